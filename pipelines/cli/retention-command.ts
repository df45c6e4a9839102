// `pulse retention --cohort-event E [--return-event R] [--cohort-type …] [--retention-type …]
// [--period …] [--periods N] [--from …] [--to …] [--breakdown PROP] [--request FILE] [--json]`:
// a cohort retention table from a running Pulse (POST /api/retention), as tables or as the API's JSON.
import type { RetentionAnswer, RetentionCohort } from '../../models/analytics/retention-answer.ts'
import type { PulseConfig } from '../config.ts'
import { periodLabel } from './period-label.ts'
import { postToPulse } from './pulse-request.ts'
import { readApiTarget } from './read-api-target.ts'
import { readRequestFile } from './request-file.ts'
import { formatTable } from './row-printing.ts'
import { userError } from './user-error.ts'

export interface RetentionFlags {
  cohortEvent?: string
  returnEvent?: string
  cohortType?: string
  retentionType?: string
  period?: string
  periods?: string
  from?: string
  to?: string
  breakdown?: string
  request?: string
  json?: boolean
  url?: string
}

/** The request body of the flags; the server checks every rule and names the field it refuses. */
export function retentionBody(flags: RetentionFlags): Record<string, unknown> {
  const body: Record<string, unknown> = flags.request ? readRequestFile(flags.request, 'retention request') : {}
  if (flags.cohortEvent !== undefined) body.cohort_event = { event: flags.cohortEvent }
  if (flags.returnEvent !== undefined) body.return_event = { event: flags.returnEvent }
  if (body.cohort_event === undefined) throw userError('no cohort event: pass --cohort-event "Signed Up" (or a --request file)')
  if (flags.cohortType !== undefined) body.cohort_type = flags.cohortType
  if (flags.retentionType !== undefined) body.retention_type = flags.retentionType
  // A whole number goes as a number; anything else as given, for the server to name.
  if (flags.periods !== undefined) body.periods = /^\d{1,6}$/.test(flags.periods) ? Number(flags.periods) : flags.periods
  for (const key of ['period', 'from', 'to'] as const) if (flags[key] !== undefined) body[key] = flags[key]
  if (flags.breakdown !== undefined) body.breakdown = { property: flags.breakdown }
  return body
}

function cohortTable(answer: RetentionAnswer, cohorts: RetentionCohort[]): string {
  return formatTable(
    cohorts.map((c) => {
      const row: Record<string, unknown> = { cohort: periodLabel(c.period_start, answer.period), size: c.size }
      for (const cell of c.cells) row[`${answer.period} ${cell.offset}`] = `${cell.persons} (${(cell.rate * 100).toFixed(1)}%)${cell.incomplete ? '*' : ''}`
      return row
    }),
  )
}

export function formatRetention(answer: RetentionAnswer, breakdownProperty: string | undefined): string {
  const parts = [cohortTable(answer, answer.cohorts)]
  for (const b of answer.breakdown) parts.push(`\n${breakdownProperty ?? 'breakdown'} = ${b.value ?? '(not set)'}\n${cohortTable(answer, b.cohorts)}`)
  const open = answer.cohorts.some((c) => c.cells.some((x) => x.incomplete))
  if (open) parts.push(`\n* the ${answer.period} had not ended: the count may still grow`)
  return parts.join('\n')
}

export async function runRetentionCommand(flags: RetentionFlags, config: PulseConfig): Promise<void> {
  const body = retentionBody(flags)
  const target = readApiTarget(flags.url, config)
  const { status, body: answer } = await postToPulse<RetentionAnswer>(target.url, '/api/retention', target.readKey, body)
  if (status !== 200) throw userError(`${answer.error?.message ?? `HTTP ${status}`}: fix the retention request`)
  if (flags.json) console.log(JSON.stringify(answer))
  else console.log(formatRetention(answer, (body.breakdown as { property?: string } | undefined)?.property))
}
