/**
 * What a database's column types are, as far as the generator needs them to describe each field's
 * column (`FieldMetadata.native`): the type Prisma creates when a field has no `@db.*` attribute,
 * and the types whose limits differ between databases. Each dialect holds its own; SQLite has none
 * (its columns keep what Prisma passes).
 */
export interface NativeColumnTypes {
  /** The column type Prisma creates for a field without `@db.*`, by Prisma type: [type, arguments]. */
  defaults: Readonly<Record<string, readonly [string, readonly number[]]>>
  /** Precision and scale of a DECIMAL declared without them; undefined where a bare numeric keeps any value. */
  bareDecimal?: readonly [number, number]
  /** Text types limited in bytes rather than characters. */
  textBytes: Readonly<Record<string, number>>
  /** Column types that hold single-precision (32-bit) floats. */
  float32: readonly string[]
  /** Fractional seconds kept by a time type declared without a precision. */
  defaultFractionalSeconds: number
}
