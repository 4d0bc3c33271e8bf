/**
 * What `prisma generate` tells a new user through Prisma's own CLI (issue 11 §4), in a project that
 * installed the packed package: annotation mistakes Prisma passes over in silence are warned about,
 * naming the schema file and line, the model and the fix; a misspelled generator option stops the
 * run naming the option it meant.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'vitest'
import { bankSchema, prismaConfig } from './harness/bankApp.ts'
import { createE2eProject, expectSuccess, type E2eProject } from './harness/e2eProject.ts'

function projectWithSchema(name: string, schema: string): E2eProject {
  const project = createE2eProject(name)
  project.write('prisma.config.ts', prismaConfig('prisma/schema.prisma'))
  project.write('prisma/schema.prisma', schema)
  return project
}

function removeUnlessKept(project: E2eProject): void {
  if (!process.env['SPECTOR_E2E_KEEP']) project.remove()
}

describe.concurrent('prisma generate speaks up', () => {
  test('annotation mistakes are warned about, naming file:line, the model and the fix', async () => {
    const schema = bankSchema()
      // Two slashes: a comment Prisma never hands to generators.
      .replace('/// @evented(version=1)\nmodel Owner', '// @evented(version=1)\nmodel Owner')
      // A capital letter.
      .replace('/// Reference data, not evented.\nmodel Branch', '/// @Evented\nmodel Branch')
      // On a field instead of the model.
      .replace(/( {2}period +String)/, '$1 /// @evented')
    const project = projectWithSchema('annotation-mistakes', schema)
    try {
      const outcome = await project.run('prisma', ['generate'])
      expectSuccess(outcome)
      const said = `${outcome.stdout}${outcome.stderr}`
      assert.match(said, /schema\.prisma:\d+:.*\/\/ @evented\(version=1\).*Owner.*\/\/\/ @evented/)
      assert.match(said, /schema\.prisma:\d+:.*\bBranch\b.*@Evented.*@evented/)
      assert.match(said, /schema\.prisma:\d+:.*\bStatement\b.*"period"/)
      assert.ok(project.exists('src/changesets/Account.ts'), 'the correctly annotated Account is still generated')
      assert.ok(!project.exists('src/changesets/Owner.ts'), 'Owner stays plain')
    } finally {
      removeUnlessKept(project)
    }
  })

  test('a misspelled generator option stops the run, naming the option it meant', async () => {
    const project = projectWithSchema('misspelled-option', bankSchema().replace('  changesets = ', '  changeset  = '))
    try {
      const outcome = await project.run('prisma', ['generate'])
      assert.notEqual(outcome.code, 0, 'prisma generate fails')
      assert.match(`${outcome.stdout}${outcome.stderr}`, /"changeset".*"changesets"/)
    } finally {
      removeUnlessKept(project)
    }
  })
})
