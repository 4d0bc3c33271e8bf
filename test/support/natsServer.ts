/**
 * The machine's NATS server (127.0.0.1:4222, JetStream, file storage in /var/lib/nats-server) for
 * the relay tests: restart it under a running relay, make sure it runs again afterwards, and read
 * back what a stream holds.
 */
import { execFileSync } from 'node:child_process'
import net from 'node:net'
import { connect } from '@nats-io/transport-node'
import { jetstreamManager } from '@nats-io/jetstream'

export const natsUrl = 'nats://127.0.0.1:4222'
const start = [
  '--start',
  '--oknodo',
  '--background',
  '--exec',
  '/usr/sbin/nats-server',
  '--',
  '-a',
  '127.0.0.1',
  '-p',
  '4222',
  '-js',
  '-sd',
  '/var/lib/nats-server',
  '-l',
  '/var/log/nats-server.log',
]

function listening(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(4222, '127.0.0.1')
    socket.once('connect', () => (socket.destroy(), resolve(true)))
    socket.once('error', () => resolve(false))
  })
}

async function until(up: boolean): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if ((await listening()) === up) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`NATS did not ${up ? 'start' : 'stop'}`)
}

/** Starts the server the way the machine does, when it is not running. */
export async function ensureNats(): Promise<void> {
  if (await listening()) return
  execFileSync('start-stop-daemon', start)
  await until(true)
}

/** Stops the server (SIGTERM to its pid), waits, starts it again. */
export async function restartNats(downFor = 300): Promise<void> {
  const pid = Number(execFileSync('pidof', ['nats-server']).toString().trim().split(/\s+/)[0])
  process.kill(pid, 'SIGTERM')
  await until(false)
  await new Promise((resolve) => setTimeout(resolve, downFor))
  execFileSync('start-stop-daemon', start)
  await until(true)
}

export interface StreamMessage {
  id: string
  position: number
  recordId: string
  sequence: number
  model: string
  action: string
  subject: string
  msgId: string | undefined
}

/** Every message of a stream, in stream order; the stream is deleted afterwards when `remove`. */
export async function readStream(stream: string, remove = false): Promise<StreamMessage[]> {
  const nc = await connect({ servers: natsUrl })
  try {
    const jsm = await jetstreamManager(nc)
    const info = await jsm.streams.info(stream)
    const messages: StreamMessage[] = []
    for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
      const m = await jsm.streams.getMessage(stream, { seq })
      if (!m) continue
      messages.push({ ...m.json<Omit<StreamMessage, 'subject' | 'msgId'>>(), subject: m.subject, msgId: m.header?.get('Nats-Msg-Id') })
    }
    if (remove) await jsm.streams.delete(stream)
    return messages
  } finally {
    await nc.close()
  }
}
