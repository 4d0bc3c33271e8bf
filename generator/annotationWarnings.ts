/**
 * Annotation mistakes that Prisma passes over without a word, so the model silently stays plain:
 * `// @evented` (two slashes: a comment Prisma does not hand to generators), `/// @Evented` or
 * `/// @evnted` (a name the parser does not know), and `/// @evented` on a field rather than a
 * model. `prisma generate` prints each as a warning naming the place and the likely fix.
 */
import type { DMMF } from '@prisma/generator-helper'
import type { Locate } from './readSpectorSchema.ts'

export interface SchemaFileText {
  /** As printed (relative to the working folder). */
  path: string
  text: string
}

const annotationNames = ['evented', 'events', 'eventLinks'] as const

/** The annotation `name` was probably meant to be, when it is not one exactly. */
export function meantAnnotation(name: string): string | undefined {
  if ((annotationNames as readonly string[]).includes(name)) return undefined
  const ranked = annotationNames
    .map((known) => ({ known, distance: editDistance(known.toLowerCase(), name.toLowerCase()) }))
    .sort((a, b) => a.distance - b.distance)
  const best = ranked[0]!
  return best.distance === 0 || (name.length >= 4 && best.distance <= 2) ? best.known : undefined
}

export function annotationWarnings(datamodel: DMMF.Datamodel, files: readonly SchemaFileText[], locate: Locate): string[] {
  const warnings: string[] = []
  const at = (model: string, lineIndex?: number) => {
    const where = locate(model, lineIndex)
    return where ? `${where.file}:${where.line}: ` : ''
  }
  for (const file of files) warnings.push(...twoSlashAnnotations(file))
  for (const model of datamodel.models) {
    model.documentation?.split('\n').forEach((line, index) => {
      const name = /^\s*@([A-Za-z_]\w*)/.exec(line)?.[1]
      const meant = name && meantAnnotation(name)
      if (meant) {
        warnings.push(`${at(model.name, index)}model ${model.name}: "@${name}" is not a prisma-spector annotation, so it is ignored; did you mean @${meant}?`)
      }
    })
    for (const field of model.fields) {
      const line = field.documentation?.split('\n').find((l) => {
        const name = /^\s*@([A-Za-z_]\w*)/.exec(l)?.[1]
        return name !== undefined && ((annotationNames as readonly string[]).includes(name) || meantAnnotation(name) !== undefined)
      })
      if (line) {
        warnings.push(
          `${at(model.name)}model ${model.name}, field "${field.name}": "${line.trim()}" documents a field, so it is ignored; annotations go in the /// lines right above \`model ${model.name} {\``,
        )
      }
    }
  }
  return warnings
}

/** `// @evented` lines: Prisma drops two-slash comments, so the generator never sees them. */
function twoSlashAnnotations(file: SchemaFileText): string[] {
  const warnings: string[] = []
  const lines = file.text.split('\n')
  let insideModel: string | undefined
  lines.forEach((line, index) => {
    const opened = /^\s*(?:model|view)\s+(\w+)\s*\{/.exec(line)
    if (opened) insideModel = opened[1]
    else if (/^\s*\}/.test(line)) insideModel = undefined
    const match = /^\s*\/\/(?!\/)\s*@([A-Za-z_]\w*)/.exec(line)
    const name = match?.[1]
    if (!name || (!(annotationNames as readonly string[]).includes(name) && !meantAnnotation(name))) return
    const meant = meantAnnotation(name) ?? name
    const target = insideModel ? `inside model ${insideModel}` : nextModel(lines, index + 1)
    warnings.push(
      `${file.path}:${index + 1}: "${line.trim()}" ${target ? `(${target.startsWith('inside') ? target : `above model ${target}`}) ` : ''}is a plain comment, which Prisma does not pass to generators, so it is ignored; ` +
        `write it with three slashes: /// @${meant}${line.trim().slice(match![0].trim().length)}`,
    )
  })
  return warnings
}

function nextModel(lines: readonly string[], from: number): string | undefined {
  for (let i = from; i < lines.length; i++) {
    const line = lines[i]!
    const model = /^\s*model\s+(\w+)/.exec(line)
    if (model) return model[1]
    if (line.trim() && !/^\s*\/\//.test(line) && !/^\s*@@?/.test(line)) return undefined
  }
  return undefined
}

/** Levenshtein distance: how many single-letter edits turn `a` into `b`. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    previous = current
  }
  return previous[b.length]!
}
