/**
 * The harness's test schema (model Thing) and what real tools make of it, shared by the harness
 * test and the MySQL CREATE-script test.
 */

export const THING_SCHEMA = `datasource db { provider = "sqlite" }
model Thing {
  id      String   @id
  payload Json
  at      DateTime @default(now())
  n       Int
  @@unique([id, n])
}
`

/**
 * What `prisma migrate diff --from-empty --to-schema ... --script` (native engine) emits for
 * THING_SCHEMA on MySQL (real CLI output). The harness test uses it for MariaDB, which
 * @prisma/schema-engine-wasm cannot script; the MySQL CREATE-script test checks it is reproduced.
 */
export const MYSQL_THING_FIXTURE = `-- CreateTable
CREATE TABLE \`Thing\` (
    \`id\` VARCHAR(191) NOT NULL,
    \`payload\` JSON NOT NULL,
    \`at\` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    \`n\` INTEGER NOT NULL,

    UNIQUE INDEX \`Thing_id_n_key\`(\`id\`, \`n\`),
    PRIMARY KEY (\`id\`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
`
