/**
 * The README's Quick start as data: each code block marked `<!-- quick-start: <file> -->` is a
 * file of docs/quick-start (or, for `commands`, the shell lines a user types). The drift test
 * compares both; the e2e test builds a project from docs/quick-start and runs the commands.
 */
import fs from 'node:fs'
import path from 'node:path'
import { repoRoot } from './paths.ts'

export const quickStartDir = path.join(repoRoot, 'docs/quick-start')

/** The Quick start section of the README, up to the next `## ` heading. */
export function readmeQuickStart(): string {
  const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8')
  const start = readme.indexOf('\n## Quick start\n')
  if (start < 0) throw new Error('README.md has no "## Quick start" section')
  const end = readme.indexOf('\n## ', start + 1)
  return readme.slice(start, end < 0 ? undefined : end)
}

/** Marked code blocks of the Quick start: name -> the block's text (ending with a newline). */
export function quickStartBlocks(): Map<string, string> {
  const blocks = new Map<string, string>()
  for (const match of readmeQuickStart().matchAll(/<!-- quick-start: (\S+) -->\n```\w*\n([\s\S]*?)```/g)) {
    if (blocks.has(match[1]!)) throw new Error(`the Quick start marks ${match[1]} twice`)
    blocks.set(match[1]!, match[2]!)
  }
  return blocks
}

/** docs/quick-start's files, relative paths with '/', sorted. */
export function quickStartFiles(): string[] {
  return (fs.readdirSync(quickStartDir, { recursive: true }) as string[])
    .filter((file) => fs.statSync(path.join(quickStartDir, file)).isFile())
    .map((file) => file.split(path.sep).join('/'))
    .sort()
}

/** The shell commands of the `commands` block: one array of words per command, comments dropped, `&&` split. */
export function quickStartCommands(): string[][] {
  const block = quickStartBlocks().get('commands')
  if (!block) throw new Error('the Quick start has no block marked `commands`')
  return block
    .split('\n')
    .map((line) => line.replace(/#.*$/, '').trim())
    .filter((line) => line.length > 0)
    .flatMap((line) => line.split('&&').map((command) => command.trim().split(/\s+/)))
}
