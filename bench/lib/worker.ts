/**
 * Runs a bench child process (a scenario's worker) with its job in an environment variable and
 * reads back the one `RESULT {json}` line it prints: scenarios 3 and 8 measure memory in fresh
 * processes, so that each measurement's peak is its own.
 */
import { spawn } from 'node:child_process'
import path from 'node:path'
import { repoRoot } from '../../test/support/testSchemas.ts'

/** `file`: the worker, relative to the repository; `label`: named in the error when it fails. */
export function runWorker<R>(file: string, envName: string, job: unknown, label: string): Promise<R> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', path.join(repoRoot, file)], {
      cwd: repoRoot,
      env: { ...process.env, [envName]: JSON.stringify(job) },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => {
      const line = stdout.split('\n').find((l) => l.startsWith('RESULT '))
      if (code !== 0 || !line) reject(new Error(`${label} exited with ${code}: ${stderr.trim() || stdout.trim()}`))
      else resolve(JSON.parse(line.slice('RESULT '.length)))
    })
  })
}
