/**
 * A custom action's attrs against the schema its changeset declares (`actions: { deposit:
 * z.object({ amount: z.string() }) }`): checked before anything is written, so a misspelt key or
 * a wrong type never reaches the immutable log. Keys the schema drops (a plain `z.object` strips
 * unknown keys) are refused by name, as a strict schema would refuse them.
 */
import type { ActionAttrsSchema } from './changeset.ts'
import { SpectorConfigurationError, SpectorValidationError } from './errors.ts'
import type { FieldErrors } from './fieldErrors.ts'

/** The attrs the schema produced, or a `SpectorValidationError` naming each key at fault. */
export async function checkActionAttrs(
  model: string,
  action: string,
  schema: ActionAttrsSchema,
  attrs: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const result = await schema['~standard'].validate(attrs)
  if (result.issues) throw new SpectorValidationError(model, action, issuesByKey(result.issues))
  const output = result.value
  if (!output || typeof output !== 'object' || Array.isArray(output)) {
    throw new SpectorConfigurationError(
      model,
      `${model} changeset: the attrs schema of action '${action}' must produce an object, got ${Array.isArray(output) ? 'an array' : typeof output}`,
    )
  }
  const unknown: FieldErrors = {}
  for (const [key, value] of Object.entries(attrs)) {
    if (value !== undefined && !Object.hasOwn(output, key)) unknown[key] = [`is not an attr of ${action}`]
  }
  if (Object.keys(unknown).length) throw new SpectorValidationError(model, action, unknown)
  return output as Record<string, unknown>
}

function issuesByKey(issues: ReadonlyArray<{ message: string; path?: ReadonlyArray<PropertyKey | { key: PropertyKey }> | undefined }>): FieldErrors {
  const errors: FieldErrors = {}
  for (const issue of issues) {
    const key = (issue.path ?? []).map((segment) => String(typeof segment === 'object' ? segment.key : segment)).join('.') || '_'
    ;(errors[key] ??= []).push(issue.message)
  }
  return errors
}
