/**
 * Supplier (test/schemas/mappedNames.prisma): `hold` puts the supplier on hold; other commands
 * take their fields as given.
 */
import type { SupplierChangeset } from '../../.generated/mappedNames/sqlite/spector/Supplier.ts'

export const changeset: SupplierChangeset = {
  apply(state, attrs, ctx) {
    if (ctx.action === 'hold') return ctx.cast(state, { status: 'OnHold' })
    return ctx.cast(state, attrs)
  },
}
