// `pulse lifecycle --event E [--period day|week|month] [--from …] [--to …] [--request FILE] [--json]`:
// persons new, returning, resurrecting and dormant per period from a running Pulse
// (POST /api/lifecycle), as a table or as the API's JSON.
import type { LifecycleAnswer } from '../../models/analytics/lifecycle-answer.ts'
import type { PulseConfig } from '../config.ts'
import { periodLabel } from './period-label.ts'
import { postToPulse } from './pulse-request.ts'
import { readApiTarget } from './read-api-target.ts'
import { readRequestFile } from './request-file.ts'
import { formatTable } from './row-printing.ts'
import { userError } from './user-error.ts'

export interface LifecycleFlags {
  event?: string
  period?: string
  from?: string
  to?: string
  request?: string
  json?: boolean
  url?: string
}

/** The request body of the flags; the server checks every rule and names the field it refuses. */
export function lifecycleBody(flags: LifecycleFlags): Record<string, unknown> {
  const body: Record<string, unknown> = flags.request ? readRequestFile(flags.request, 'lifecycle request') : {}
  for (const key of ['event', 'period', 'from', 'to'] as const) if (flags[key] !== undefined) body[key] = flags[key]
  if (body.event === undefined) throw userError('no event: pass --event "Order Completed" (or a --request file)')
  return body
}

export function formatLifecycle(answer: LifecycleAnswer): string {
  const table = formatTable(
    answer.periods.map((p) => ({
      [answer.period]: `${periodLabel(p.period_start, answer.period)}${p.incomplete ? '*' : ''}`,
      new: p.new,
      returning: p.returning,
      resurrecting: p.resurrecting,
      dormant: p.dormant,
    })),
  )
  return answer.periods.some((p) => p.incomplete) ? `${table}\n\n* the ${answer.period} had not ended: its counts may still change` : table
}

export async function runLifecycleCommand(flags: LifecycleFlags, config: PulseConfig): Promise<void> {
  const body = lifecycleBody(flags)
  const target = readApiTarget(flags.url, config)
  const { status, body: answer } = await postToPulse<LifecycleAnswer>(target.url, '/api/lifecycle', target.readKey, body)
  if (status !== 200) throw userError(`${answer.error?.message ?? `HTTP ${status}`}: fix the lifecycle request`)
  console.log(flags.json ? JSON.stringify(answer) : formatLifecycle(answer))
}
