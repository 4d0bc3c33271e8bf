/**
 * What a database does to a value on its way into a column, where databases differ. The generator's
 * `FieldMetadata.native` says what each column narrows (a scale, a length, a precision); this says
 * how the database narrows it, so that an event can hold exactly what the row will hold. Each
 * dialect (extension/dialects/) fills one in; the core applies it (fieldValues.ts).
 */
export interface ColumnBehaviour {
  /**
   * Date-time columns with fewer fractional digits than a JS Date (`@db.Timestamp(0)`):
   * `round` half away from zero, counted from 2000-01-01 (PostgreSQL's epoch); `truncate` (MariaDB).
   */
  fractionalSeconds: 'round' | 'truncate'
  /**
   * A 32-bit float column read back: `shortest`, the shortest decimal that names the float
   * (PostgreSQL: 0.1 stays 0.1); `widened`, the float's exact value as a double (MariaDB:
   * 0.10000000149011612).
   */
  float32: 'shortest' | 'widened'
  /** `Char(n)` read back: `pad`ded with spaces to n (PostgreSQL), or with trailing spaces `trim`med (MySQL/MariaDB). */
  char: 'pad' | 'trim'
  /** Integer `divide` (Prisma's update operator): `truncate` toward zero (PostgreSQL, SQLite) or `round` half away from zero (MySQL/MariaDB). */
  integerDivision: 'truncate' | 'round'
  /** Text and JSON cannot hold U+0000 (PostgreSQL). */
  refusesNul: boolean
  /**
   * How deep a value may nest inside one field of an event's payload (arrays and objects): the
   * payload adds one level, and MariaDB refuses JSON nested 32 deep.
   */
  jsonDepth: number
  /** Decimal columns keep a double (SQLite: a DECIMAL column has NUMERIC affinity, so 0.1 is a REAL). */
  decimalAsDouble: boolean
}

/** The most levels of arrays and objects a Json value may nest, where the database allows more. */
export const defaultJsonDepth = 256

/** For a model used without a database (unit tests, tools): nothing narrowed beyond the Prisma types. */
export const lenientColumns: ColumnBehaviour = {
  fractionalSeconds: 'round',
  float32: 'shortest',
  char: 'pad',
  integerDivision: 'truncate',
  refusesNul: false,
  jsonDepth: defaultJsonDepth,
  decimalAsDouble: false,
}
