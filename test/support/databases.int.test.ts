import { test, describe, afterAll } from 'vitest'
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { basename } from 'node:path'
import pg from 'pg'
import * as mariadb from 'mariadb'
import { allProviders, createScript, createTestDatabase, providersUnderTest, withProvider, type Provider, type TestDatabase } from './databases.ts'
import { MYSQL_THING_FIXTURE, THING_SCHEMA } from './thingFixture.ts'

describe('providersUnderTest', () => {
  const saved = process.env['SPECTOR_TEST_PROVIDERS']
  afterAll(() => {
    if (saved === undefined) delete process.env['SPECTOR_TEST_PROVIDERS']
    else process.env['SPECTOR_TEST_PROVIDERS'] = saved
  })

  test('defaults to all three', () => {
    delete process.env['SPECTOR_TEST_PROVIDERS']
    assert.deepEqual(providersUnderTest(), allProviders)
    process.env['SPECTOR_TEST_PROVIDERS'] = ' '
    assert.deepEqual(providersUnderTest(), allProviders)
  })

  test('parses a comma list, accepts mariadb as mysql, dedupes', () => {
    process.env['SPECTOR_TEST_PROVIDERS'] = 'MariaDB, sqlite,mysql'
    assert.deepEqual(providersUnderTest(), ['mysql', 'sqlite'])
    process.env['SPECTOR_TEST_PROVIDERS'] = 'postgresql'
    assert.deepEqual(providersUnderTest(), ['postgresql'])
  })

  test('rejects unknown names', () => {
    process.env['SPECTOR_TEST_PROVIDERS'] = 'sqlite,oracle'
    assert.throws(() => providersUnderTest(), /unknown provider "oracle"/)
  })
})

describe('withProvider', () => {
  test('replaces the provider and expands a one-line datasource block', () => {
    const out = withProvider(THING_SCHEMA, 'postgresql')
    assert.match(out, /^datasource db \{\n {2}provider = "postgresql"\n\}\nmodel Thing \{/)
    assert.ok(out.endsWith(THING_SCHEMA.slice(THING_SCHEMA.indexOf('model Thing'))))
  })

  test('keeps a multi-line block as it is, apart from the provider', () => {
    const multi = 'generator client {\n  provider = "prisma-client"\n}\n\ndatasource db {\n  provider = "sqlite"\n  relationMode = "prisma"\n}\n'
    assert.equal(
      withProvider(multi, 'mysql'),
      'generator client {\n  provider = "prisma-client"\n}\n\ndatasource db {\n  provider = "mysql"\n  relationMode = "prisma"\n}\n',
    )
  })

  test('throws without a datasource', () => {
    assert.throws(() => withProvider('model A {\n id Int @id\n}\n', 'sqlite'), /no `datasource` block/)
  })
})

async function databaseExists(db: TestDatabase): Promise<boolean> {
  switch (db.provider) {
    case 'sqlite':
      return existsSync(db.name)
    case 'postgresql': {
      const client = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'root', database: 'postgres' })
      await client.connect()
      try {
        const { rows } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [db.name])
        return rows.length > 0
      } finally {
        await client.end()
      }
    }
    case 'mysql': {
      const conn = await mariadb.createConnection({ host: '127.0.0.1', port: 3306, user: 'root', password: '' })
      try {
        const rows: unknown[] = await conn.query('SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [db.name])
        return rows.length > 0
      } finally {
        await conn.end()
      }
    }
  }
}

const placeholders: Record<Provider, (i: number) => string> = {
  sqlite: () => '?',
  mysql: () => '?',
  postgresql: (i) => `$${i}`,
}

const quote: Record<Provider, (id: string) => string> = {
  sqlite: (id) => `"${id}"`,
  postgresql: (id) => `"${id}"`,
  mysql: (id) => `\`${id}\``,
}

for (const provider of providersUnderTest()) {
  describe(`createScript + createTestDatabase on ${provider}`, () => {
    // MySQL: createScript cannot produce it (see below), so the lifecycle test uses the fixture.
    let script = provider === 'mysql' ? MYSQL_THING_FIXTURE : ''

    if (provider === 'mysql') {
      test('createScript rejects: the wasm schema engine has no MySQL support', async () => {
        await assert.rejects(createScript(THING_SCHEMA, 'mysql'), /no MySQL support/)
      })
    } else {
      test('createScript produces the CREATE script and caches it', async () => {
        const started = performance.now()
        script = await createScript(THING_SCHEMA, provider)
        const firstMs = performance.now() - started
        assert.match(script, /CREATE TABLE "Thing"/)
        assert.match(script, /CREATE UNIQUE INDEX "Thing_id_n_key" ON "Thing"\("id", "n"\)/)
        const again = performance.now()
        assert.equal(await createScript(THING_SCHEMA, provider), script)
        assert.ok(performance.now() - again < 5, 'second call is served from the cache')
        if (process.env['SPECTOR_PRINT_SCRIPTS']) console.log(`--- ${provider} (${firstMs.toFixed(0)} ms)\n${script}`)
      })
    }

    test('creates a database, writes and reads through the plain driver, drops it', async () => {
      const started = performance.now()
      const db = await createTestDatabase(provider, script)
      const createMs = performance.now() - started
      let dropped = false
      try {
        assert.equal(db.provider, provider)
        const name = provider === 'sqlite' ? basename(db.name, '.db') : db.name
        assert.match(name, /^spector_t_[0-9a-f]{12}$/)
        const expectedUrl = {
          sqlite: `file:${db.name}`,
          postgresql: `postgresql://root@127.0.0.1:5432/${db.name}`,
          mysql: `mysql://root@127.0.0.1:3306/${db.name}`,
        }[provider]
        assert.equal(db.url, expectedUrl)
        assert.ok(await databaseExists(db))

        const q = quote[provider]
        const p = placeholders[provider]
        await db.exec(
          `INSERT INTO ${q('Thing')} (${q('id')}, ${q('payload')}, ${q('n')}) VALUES ('a', '{"x":1}', 1);\n` +
            `INSERT INTO ${q('Thing')} (${q('id')}, ${q('payload')}, ${q('n')}) VALUES ('b', '{"x":2}', 2);`,
        )
        const rows = await db.query<{ id: string; payload: unknown; n: number; at: unknown }>(
          `SELECT ${q('id')}, ${q('payload')}, ${q('n')}, ${q('at')} FROM ${q('Thing')} WHERE ${q('n')} >= ${p(1)} ORDER BY ${q('id')}`,
          [2],
        )
        assert.equal(rows.length, 1)
        const [row] = rows
        assert.ok(row)
        assert.equal(row.id, 'b')
        assert.equal(Number(row.n), 2)
        const payload = typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload
        assert.deepEqual(payload, { x: 2 })
        assert.ok(row.at != null, 'the @default(now()) column is filled')

        // The unique constraints from the script are in place.
        await assert.rejects(db.exec(`INSERT INTO ${q('Thing')} (${q('id')}, ${q('payload')}, ${q('n')}) VALUES ('a', '{}', 3)`))

        // The Prisma adapter factory connects to the same database.
        const adapter = await db.adapter.connect()
        try {
          const result = await adapter.queryRaw({
            sql: `SELECT COUNT(*) AS c FROM ${q('Thing')}`,
            args: [],
            argTypes: [],
          })
          assert.equal(Number(result.rows[0]?.[0]), 2)
        } finally {
          await adapter.dispose()
        }

        const dropStarted = performance.now()
        await db.drop()
        dropped = true
        const dropMs = performance.now() - dropStarted
        if (process.env['SPECTOR_PRINT_SCRIPTS']) {
          console.log(`${provider}: createTestDatabase ${createMs.toFixed(0)} ms, drop ${dropMs.toFixed(0)} ms`)
        }
        assert.equal(await databaseExists(db), false)
        if (provider === 'sqlite') assert.equal(existsSync(`${db.name}-journal`), false)
        await db.drop() // idempotent
      } finally {
        if (!dropped) await db.drop()
      }
    })

    test('a failing create script rejects (and the database is dropped again)', async () => {
      await assert.rejects(createTestDatabase(provider, `${script}\nTHIS IS NOT SQL;`))
    })
  })
}
