// `pulse funnel --steps "A,B,C" --window 7d --from … --to … [--breakdown prop] [--order …] [--json]`:
// a person funnel from a running Pulse (POST /api/funnels), as tables with the drop-offs or as the
// API's JSON. --request takes a whole request body from a file (filters, exclusions, held
// properties); the other flags override its fields.
import { readFileSync } from 'node:fs'
import type { FunnelAnswer, FunnelStepResult } from '../../models/analytics/funnel-answer.ts'
import type { FlagValues, PulseConfig } from '../config.ts'
import { durationText, formatHistogram, formatOverTime } from './funnel-extras-printing.ts'
import { runFunnelPersons, type FunnelPersonsFlags } from './funnel-persons-command.ts'
import { postToPulse } from './pulse-request.ts'
import { readApiTarget } from './read-api-target.ts'
import { formatTable } from './row-printing.ts'
import { userError } from './user-error.ts'

export interface FunnelFlags extends FunnelPersonsFlags {
  histogram?: boolean
  bins?: string
  interval?: string
  steps?: string
  window?: string
  from?: string
  to?: string
  order?: string
  breakdown?: string
  attribution?: string
  attributionStep?: string
  request?: string
  json?: boolean
  url?: string
}

function requestFile(file: string): Record<string, unknown> {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (e) {
    throw userError(`cannot read --request ${file} (${(e as NodeJS.ErrnoException).code ?? String(e)}): pass a JSON file with the funnel request`)
  }
  try {
    const body = JSON.parse(text)
    if (typeof body === 'object' && body !== null && !Array.isArray(body)) return body
  } catch {
    // reported below
  }
  throw userError(`--request ${file} is not a JSON object: write the request as in the README's funnel section`)
}

/** The request body of the flags; the server checks every rule and names the field it refuses. */
export function funnelBody(flags: FunnelFlags): Record<string, unknown> {
  const body: Record<string, unknown> = flags.request ? requestFile(flags.request) : {}
  if (flags.steps !== undefined) body.steps = flags.steps.split(',').map((s) => ({ event: s.trim() }))
  if (body.steps === undefined) throw userError('no steps: pass --steps "First Event,Second Event,…" (or a --request file)')
  for (const key of ['window', 'from', 'to', 'order'] as const) if (flags[key] !== undefined) body[key] = flags[key]
  if (flags.breakdown !== undefined) {
    const step = flags.attributionStep === undefined ? undefined : Number(flags.attributionStep)
    body.breakdown = { property: flags.breakdown, attribution: flags.attribution ?? 'first_touch', ...(step === undefined ? {} : { step }) }
  }
  if (flags.histogram || flags.bins !== undefined) body.histogram = { ...(body.histogram as object | undefined), ...(flags.bins === undefined ? {} : { bins: Number(flags.bins) }) }
  if (flags.interval !== undefined) body.interval = flags.interval
  return body
}

function percent(x: number): string {
  return `${(x * 100).toFixed(1)}%`
}

const seconds = durationText

function stepTable(steps: FunnelStepResult[]): string {
  return formatTable(
    steps.map((s, k) => ({
      step: k,
      event: s.event,
      persons: s.persons,
      from_start: percent(s.conversion_from_start),
      from_previous: percent(s.conversion_from_previous),
      dropped: s.drop_off,
      median: seconds(s.median_seconds_from_previous),
      mean: seconds(s.mean_seconds_from_previous),
      p90: seconds(s.p90_seconds_from_previous),
    })),
  )
}

export function formatFunnel(answer: FunnelAnswer, breakdownProperty: string | undefined): string {
  const parts = [stepTable(answer.steps)]
  for (const b of answer.breakdown) parts.push(`\n${breakdownProperty ?? 'breakdown'} = ${b.value ?? '(not set)'}\n${stepTable(b.steps)}`)
  if (answer.histogram) parts.push('\n' + formatHistogram(answer.histogram))
  if (answer.over_time) parts.push('\n' + formatOverTime(answer.over_time))
  if (answer.incomplete) parts.push('\n(incomplete: some entries still have time to convert)')
  return parts.join('\n')
}

export async function runFunnelCommand(flags: FunnelFlags, config: PulseConfig): Promise<void> {
  const body = funnelBody(flags)
  if (flags.persons !== undefined) return runFunnelPersons(body, flags, config)
  const target = readApiTarget(flags.url, config)
  const { status, body: answer } = await postToPulse<FunnelAnswer>(target.url, '/api/funnels', target.readKey, body)
  if (status !== 200) throw userError(`${answer.error?.message ?? `HTTP ${status}`}: fix the funnel request`)
  if (flags.json) console.log(JSON.stringify(answer))
  else console.log(formatFunnel(answer, (body.breakdown as { property?: string } | undefined)?.property))
}
