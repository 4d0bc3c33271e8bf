/**
 * LedgerEntry (test/schemas/mappedNames.prisma): fields straight from the attrs; its log keeps one
 * hash chain through the whole (mapped) table.
 */
import type { LedgerEntryChangeset } from '../../.generated/mappedNames/sqlite/spector/LedgerEntry.ts'

export const changeset: LedgerEntryChangeset = {
  apply(state, attrs, ctx) {
    return ctx.cast(state, attrs)
  },
}
