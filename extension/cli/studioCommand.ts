/**
 * `spector studio`: connects as the other commands do (same URL and generated-module discovery),
 * starts the read-only studio, prints its URL and serves until the process is interrupted.
 */
import { type RunningStudio, startStudio, StudioRefusedError } from '../studio/studioServer.ts'
import { UsageError, type CommandLine } from './commandLine.ts'
import { connect, loadGenerated } from './generatedModule.ts'
import { printableJson } from '../core/printableValue.ts'

interface Output {
  out(text: string): void
  err(text: string): void
}

/** Serves until `stop` resolves (SIGINT or SIGTERM by default); returns the exit code. */
export async function studio(values: CommandLine['values'], io: Output, stop: Promise<unknown> = interrupted()): Promise<number> {
  const port = values.port === undefined ? 5556 : Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a port number (0-65535), got ${values.port}`)
  const { mod } = await loadGenerated(values.generated)
  const prisma = await connect(values)
  try {
    let running: RunningStudio
    try {
      running = await startStudio({ client: prisma, schema: mod.spectorSchema, port, host: values.host, token: values.token })
    } catch (error) {
      if (error instanceof StudioRefusedError) throw new UsageError(error.message)
      if ((error as { code?: string }).code === 'EADDRINUSE') throw new UsageError(`port ${port} is in use: pass --port <another> (or 0 for any free port)`)
      throw error
    }
    io.out(`spector studio (read-only) on ${running.url}\n`)
    if (values.json) io.out(`${printableJson({ url: running.url }, 0)}\n`)
    await stop
    await running.close()
    return 0
  } finally {
    await prisma.$disconnect()
  }
}

function interrupted(): Promise<string> {
  return new Promise((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve(signal))
  })
}
