// `pulse stickiness --event E [--period day|week|month] [--interval week|month] …`: persons by
// their number of active days (weeks, months) from a running Pulse (POST /api/stickiness), one
// table per interval, or the API's JSON.
import type { StickinessAnswer } from '../../models/analytics/stickiness-answer.ts'
import type { PulseConfig } from '../config.ts'
import { analysisRequestFile } from './analysis-request-file.ts'
import { postToPulse } from './pulse-request.ts'
import { readApiTarget } from './read-api-target.ts'
import { formatTable } from './row-printing.ts'
import { userError } from './user-error.ts'

export interface StickinessFlags {
  event?: string
  period?: string
  interval?: string
  from?: string
  to?: string
  request?: string
  json?: boolean
  url?: string
}

/** The request body of the flags; the server checks every rule and names the field it refuses. */
export function stickinessBody(flags: StickinessFlags): Record<string, unknown> {
  const body = analysisRequestFile(flags.request, 'Stickiness')
  for (const key of ['event', 'period', 'interval', 'from', 'to'] as const) if (flags[key] !== undefined) body[key] = flags[key]
  if (body.event === undefined) throw userError('no event: pass --event "Lesson Completed" (or a --request file)')
  return body
}

export function formatStickiness(answer: StickinessAnswer): string {
  return answer.intervals
    .map((i) => {
      const heading = `${i.from} .. ${i.to} (${i.units} ${answer.period}s): ${i.persons} ${i.persons === 1 ? 'person' : 'persons'} did ${answer.event}`
      const rows = i.counts.map((c) => ({ [`${answer.period}s`]: c.n, persons: c.persons, share: `${(c.share * 100).toFixed(1)}%` }))
      return `${heading}\n${formatTable(rows)}`
    })
    .join('\n\n')
}

export async function runStickinessCommand(flags: StickinessFlags, config: PulseConfig): Promise<void> {
  const target = readApiTarget(flags.url, config)
  const { status, body: answer } = await postToPulse<StickinessAnswer>(target.url, '/api/stickiness', target.readKey, stickinessBody(flags))
  if (status !== 200) throw userError(`${answer.error?.message ?? `HTTP ${status}`}: fix the stickiness request`)
  console.log(flags.json ? JSON.stringify(answer) : formatStickiness(answer))
}
