/**
 * Scenario 6, hash chain cost: NOT AVAILABLE YET.
 *
 * PLACEHOLDER. Issue 6 asks for hashed vs unhashed writes and verification speed in events per
 * second once the integrity (hash chain) issue has landed. The hash chain was still being built
 * while this bench was written, so this scenario reports "not available yet" and measures
 * nothing: no numbers are made up.
 *
 * To build it: add a hashed @events model (per-record and chain=table) to bench/schema.prisma (or
 * a second bench schema), time evented creates/updates on the hashed and the unhashed log
 * (interleaved, as scenario 1 does), and time chain verification over the 1k/10k/100k histories
 * of scenario 3, reporting events/s.
 */
import type { BenchConfig } from '../lib/config.ts'
import type { ScenarioResult } from '../lib/report.ts'
import { noticeChart } from '../lib/svg.ts'

export async function runHashChainScenario(_config: BenchConfig, _subtitle: string[]): Promise<ScenarioResult> {
  const reason = 'not implemented in the bench yet (the hash chain was still being built when it was written): hashed vs unhashed writes and verification speed are not measured'
  return {
    id: '6',
    title: 'Hash chain cost',
    status: 'not available yet',
    data: { status: 'not available yet', reason },
    tables: [
      {
        title: '6. Hash chain cost - NOT AVAILABLE YET',
        columns: ['measurement', 'result'],
        rows: [
          ['hashed vs unhashed writes', 'not available yet'],
          ['verification, events/s', 'not available yet'],
        ],
        notes: [reason],
      },
    ],
    chart: {
      file: '6-hash-chain.svg',
      svg: noticeChart('Scenario 6 - hash chain cost: not available yet', [
        'Not implemented in the bench yet (the hash chain was still being built when it was written):',
        'hashed vs unhashed writes and verification speed are not measured.',
        'This is a placeholder: no numbers are measured or shown.',
      ]),
    },
    targets: [],
    notes: [],
  }
}
