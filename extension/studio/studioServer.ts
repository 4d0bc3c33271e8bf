/**
 * Starts the studio: a local HTTP server on `host:port` serving `createStudioApp`. On anything
 * but a loopback address the studio is reachable by others, so it refuses to start there
 * without a token; on loopback it answers only to loopback Host names (no DNS rebinding).
 */
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import type { ModelMetadata } from '../core/metadata.ts'
import { createStudioApp } from './studioApp.ts'
import { StudioSource } from './studioSource.ts'

export interface StudioOptions {
  /** The Prisma client with prisma-spector applied. */
  client: Record<string, any>
  /** The generated `spectorSchema`. */
  schema: { models: readonly { metadata: ModelMetadata }[] }
  /** Default 5556; 0 picks a free port. */
  port?: number
  /** Default 127.0.0.1. */
  host?: string
  /** Required unless `host` is a loopback address. */
  token?: string
}

export interface RunningStudio {
  /** The URL to open (with the token, when there is one). */
  url: string
  close(): Promise<void>
}

/** The studio refuses to start: a non-loopback host without a token. */
export class StudioRefusedError extends Error {}

const loopbackHosts = new Set(['127.0.0.1', 'localhost', '::1', '[::1]'])

export function isLoopback(host: string): boolean {
  return loopbackHosts.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host)
}

export async function startStudio(options: StudioOptions): Promise<RunningStudio> {
  const host = options.host ?? '127.0.0.1'
  const loopback = isLoopback(host)
  if (!loopback && !options.token) {
    throw new StudioRefusedError(
      `refusing to serve the studio on ${host}: anyone who reaches it could read the event log. Bind to 127.0.0.1, or pass --token <secret> (at least 16 characters)`,
    )
  }
  if (options.token !== undefined && options.token.length < 16) throw new StudioRefusedError('--token must be at least 16 characters')
  const source = new StudioSource(options.client, options.schema)
  const app = createStudioApp(source, { token: options.token, allowedHosts: loopback ? ['127.0.0.1', 'localhost', '::1', host] : [] })
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: options.port ?? 5556, hostname: host }, () => resolve(s))
    s.once('error', reject)
  })
  const { port } = server.address() as AddressInfo
  const shown = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host
  const url = `http://${shown}:${port}/${options.token ? `?token=${encodeURIComponent(options.token)}` : ''}`
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        ;(server as { closeAllConnections?: () => void }).closeAllConnections?.()
        server.close(() => resolve())
      }),
  }
}
