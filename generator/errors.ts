/**
 * What `prisma generate` prints when the schema's annotations are wrong. Every error names the
 * model and, when the schema file could be read, the file and line.
 */
export interface SchemaLocation {
  file: string
  line: number
}

export class SpectorGeneratorError extends Error {
  readonly code = 'SPECTOR_GENERATOR' as const
  readonly model: string | undefined
  readonly location: SchemaLocation | undefined

  constructor(model: string | undefined, message: string, location?: SchemaLocation) {
    const where = location ? ` (${location.file}:${location.line})` : ''
    super(model ? `prisma-spector: model ${model}${where}: ${message}` : `prisma-spector: ${message}`)
    this.name = 'SpectorGeneratorError'
    this.model = model
    this.location = location
  }
}

/** Several problems found in one pass, so a user fixes them all at once. */
export class SpectorGeneratorErrors extends Error {
  readonly code = 'SPECTOR_GENERATOR' as const
  readonly errors: readonly SpectorGeneratorError[]

  constructor(errors: readonly SpectorGeneratorError[]) {
    super(errors.map((e) => e.message).join('\n'))
    this.name = 'SpectorGeneratorErrors'
    this.errors = errors
  }
}
