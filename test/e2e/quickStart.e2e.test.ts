/**
 * The README's Quick start, run as a new user runs it: the files of docs/quick-start (which the
 * README shows verbatim, see quickStartReadme.unit.test.ts) in a project that installed the packed
 * package, and the commands of its `commands` block in order. `prisma migrate dev` needs the
 * native schema engine this machine cannot download, so the test creates the same tables from the
 * schema with the WebAssembly engine instead; every other command runs as written.
 */
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { test } from 'vitest'
import { createE2eProject, expectSuccess } from './harness/e2eProject.ts'
import { quickStartCommands, quickStartDir, quickStartFiles } from './harness/quickStart.ts'

/** The changeset the user edits in step 4; the generator must write its stub first. */
const editedChangeset = 'src/changesets/Item.ts'

test('the README Quick start runs as written: generate, tables, tsc, node', async () => {
  const project = createE2eProject('quick-start')
  try {
    for (const file of quickStartFiles()) {
      if (file !== editedChangeset) project.write(file, fs.readFileSync(path.join(quickStartDir, file), 'utf8'))
    }
    // As a user's shell: DATABASE_URL unset, so prisma.config.ts and src/main.ts use file:./dev.db.
    const shell = { DATABASE_URL: undefined }
    const printed: string[] = []
    for (const [command, ...args] of quickStartCommands()) {
      const line = [command, ...args].join(' ')
      if (line.startsWith('npx prisma migrate dev')) {
        await project.createTables('prisma/schema.prisma')
        continue
      }
      printed.push(expectSuccess(await project.run(command!, args, shell)))
      if (line === 'npx prisma generate') {
        assert.ok(project.exists(editedChangeset), `prisma generate writes the stub ${editedChangeset}`)
        assert.match(printed.at(-1)!, /src\/changesets\/Item\.ts/, 'prisma generate says that it wrote the changeset stub')
        // Step 4: the user edits the stub.
        project.write(editedChangeset, fs.readFileSync(path.join(quickStartDir, editedChangeset), 'utf8'))
      }
    }

    const output = printed.at(-1)!
    assert.match(output, /^\[ 'insert', 'update', 'archive' \]$/m)
    assert.match(output, /name: 'Lamp'/)
    assert.match(output, /drifted: \[\]/)
    const db = new Database(path.join(project.dir, 'dev.db'), { readonly: true })
    try {
      const actions = db.prepare('SELECT action FROM Event ORDER BY recordId, sequence').all() as Array<{ action: string }>
      assert.deepEqual(
        actions.map((row) => row.action),
        ['insert', 'update', 'archive', 'savepoint', 'delete'],
      )
      assert.equal((db.prepare('SELECT count(*) AS n FROM Item').get() as { n: number }).n, 0)
    } finally {
      db.close()
    }
  } finally {
    if (!process.env['SPECTOR_E2E_KEEP']) project.remove()
  }
})
