/**
 * The changeset of Account (test/schemas/nativeTypes.*.prisma): the default cast, and `deposit`,
 * which adds `amount` to the balance, so the state holds a value no attr gave (a sum the column
 * rounds), as a bank's changeset would.
 */
import type { AccountChangeset } from '../../.generated/nativeTypes/sqlite/spector/Account.ts'

export const changeset: AccountChangeset = {
  apply(state, attrs, ctx) {
    switch (ctx.action) {
      case 'deposit': {
        if (!state) return ctx.invalid({ amount: 'the account does not exist' })
        const amount = attrs.amount
        if (typeof amount !== 'string') return ctx.invalid({ amount: 'must be a decimal string' })
        return ctx.cast(state, { balance: state.balance.plus(amount) })
      }
      default:
        return ctx.cast(state, attrs)
    }
  },
}
