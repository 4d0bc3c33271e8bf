/**
 * The changeset of Item: how each event changes an Item. This file is yours: prisma-spector created
 * it once and never overwrites it.
 *
 * `apply` runs for every new command and again, in order, for every stored event when a Item is
 * replayed, so keep it a pure function of (state, attrs, ctx). Return the next state, or
 * `ctx.invalid({ field: 'message' })` to reject the command (nothing is written then).
 * `ctx.cast(state, attrs)` copies the Item fields present in attrs onto the state and validates it.
 */
import type { ItemChangeset } from '../../.generated/feed/sqlite/spector/Item.ts'

export const changeset: ItemChangeset = {
  apply(state, attrs, ctx) {
    // Version guard: events keep the @evented(version) they were written with. After renaming a
    // field, map old events onto the new shape, for example:
    //   if (ctx.versionIs(0)) attrs = { ...attrs, name: attrs.oldName }
    switch (ctx.action) {
      // case 'archive':
      //   return ctx.cast(state, { /* the fields 'archive' changes, from attrs */ ...attrs })
      // case 'restore':
      //   return ctx.cast(state, { /* the fields 'restore' changes, from attrs */ ...attrs })
      // case 'increment':
      //   return ctx.cast(state, { /* the fields 'increment' changes, from attrs */ ...attrs })
      default:
        return ctx.cast(state, attrs)
    }
  },

  // What a savepoint stores (default: every field). Replaying it with action 'savepoint' must
  // rebuild the same state.
  // savepoint(record, version) {
  //   return { ...record }
  // },

  // Adjusts the row write (create or update) inside the transaction, for what lives outside the
  // model's fields, such as relation rows built from the state.
  // prepareMaterialization(data, { operation, state, client }) {
  //   return data
  // },
}
