/**
 * The shape of a validation failure, shared by the changeset API, the payload codec and the error
 * classes. A file of its own so that those can all use it without importing errors.ts (which
 * knows the chain verifier's types, and the chain verifier knows events and codecs): no cycle.
 */

/** Field name -> what is wrong with it. `_` holds errors that belong to no single field. */
export type FieldErrors = Record<string, string[]>
