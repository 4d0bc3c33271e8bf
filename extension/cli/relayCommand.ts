/**
 * `spector relay --nats <url> --stream <name> --subject <template>`: the command-line face of
 * relay.ts. Logs progress on stderr (one line per batch, and each NATS problem it retries), stops
 * cleanly on SIGTERM or SIGINT: the event being published is acked (or abandoned unacked), the
 * position of the last acked event is stored, the NATS connection drained. `--once` returns when
 * nothing is left to publish.
 */
import type { CommandLine } from './commandLine.ts'
import { UsageError } from './commandLine.ts'
import { connect } from './generatedModule.ts'
import { printableJson } from '../core/printableValue.ts'
import { relay, type RelayProgress } from './relay.ts'

interface Output {
  out(text: string): void
  err(text: string): void
}

export async function relayCommand(values: CommandLine['values'], io: Output): Promise<number> {
  const { nats, stream, subject } = values
  if (!nats || !stream || !subject) throw new UsageError('relay needs --nats <url>, --stream <name> and --subject <template, e.g. events.{model}.{action}>')
  const batchSize = values['batch-size'] === undefined ? undefined : Number(values['batch-size'])
  if (batchSize !== undefined && (!Number.isInteger(batchSize) || batchSize < 1))
    throw new UsageError(`--batch-size must be a whole number >= 1, got ${values['batch-size']}`)
  const prisma = await connect(values)
  const controller = new AbortController()
  const stop = () => controller.abort()
  process.once('SIGTERM', stop)
  process.once('SIGINT', stop)
  let lastRetry = ''
  const log = (p: RelayProgress) => {
    if (p.retrying) {
      if (p.retrying !== lastRetry) io.err(`relay: NATS: ${p.retrying}; retrying\n`)
      lastRetry = p.retrying
      return
    }
    lastRetry = ''
    if (!values.json) io.err(`relay: position ${p.position}, ${p.relayed} relayed (${p.duplicates} duplicates)\n`)
  }
  try {
    const result = await relay(prisma, { nats, stream, subject, name: values.name, batchSize, once: values.once, signal: controller.signal, onProgress: log })
    if (values.json) io.out(`${printableJson(result, 0)}\n`)
    else
      io.out(
        `relay ${controller.signal.aborted ? 'stopped' : 'caught up'}: position ${result.position}, ${result.relayed} relayed (${result.duplicates} duplicates)\n`,
      )
    return 0
  } finally {
    process.off('SIGTERM', stop)
    process.off('SIGINT', stop)
    await prisma.$disconnect()
  }
}
