// The funnel request (README, "Funnels"): parsed and checked before any query runs, so a body that
// breaks a rule gets one error naming its field.
import { parseInterval, type ConversionInterval } from './conversion-over-time.ts'
import { parseHistogramSpec, type HistogramSpec } from './conversion-time-histogram.ts'
import { parseDuration } from './duration.ts'
import { parseFilters, parseName, type PropertyFilter } from './property-filter.ts'
import { parseRangeTime } from './range-time.ts'
import { AnalysisRequestError } from './request-error.ts'

export const FUNNEL_ORDERS = ['ordered', 'strict', 'any'] as const
export type FunnelOrder = (typeof FUNNEL_ORDERS)[number]
export const ATTRIBUTIONS = ['first_touch', 'last_touch', 'step'] as const
export type Attribution = (typeof ATTRIBUTIONS)[number]

export interface FunnelStep {
  event: string
  filters: PropertyFilter[]
}

export interface FunnelExclusion {
  event: string
  /** 0-based steps: no such event strictly between the matched events of fromStep and toStep. */
  fromStep: number
  toStep: number
}

export interface FunnelBreakdown {
  property: string
  attribution: Attribution
  /** 0-based; only with attribution "step". */
  step: number | null
}

export interface FunnelRequest {
  steps: FunnelStep[]
  windowMs: number
  /** Per step, the longest time from the previous matched step; always null for step 0. */
  stepWindowsMs: Array<number | null>
  order: FunnelOrder
  exclusions: FunnelExclusion[]
  breakdown: FunnelBreakdown | null
  holdConstant: string[]
  fromMs: number
  toMs: number
  /** The time-to-convert histogram to answer beside the counts, if asked. */
  histogram: HistogramSpec | null
  /** Conversion per entry day or week, if asked. */
  interval: ConversionInterval | null
}

export const MIN_STEPS = 2
export const MAX_STEPS = 20
export const DEFAULT_WINDOW = '14d'
/** Without `from`, the range is the 30 days before `to`; without `to`, it ends at now. */
export const DEFAULT_RANGE_MS = 30 * 86_400_000

const KNOWN_FIELDS = new Set(['steps', 'window', 'step_windows', 'order', 'exclusions', 'breakdown', 'hold_constant', 'from', 'to', 'histogram', 'interval'])

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function parseSteps(raw: unknown): FunnelStep[] {
  if (!Array.isArray(raw) || raw.length < MIN_STEPS || raw.length > MAX_STEPS) {
    throw new AnalysisRequestError('steps', `expected a list of ${MIN_STEPS} to ${MAX_STEPS} steps, each { "event": "...", "filters": [...] }`)
  }
  return raw.map((s, i) => {
    if (!isObject(s)) throw new AnalysisRequestError(`steps[${i}]`, 'expected { "event": "...", "filters": [...] }')
    return { event: parseName(s.event, `steps[${i}].event`), filters: parseFilters(s.filters, `steps[${i}].filters`) }
  })
}

function stepIndex(v: unknown, field: string, steps: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= steps) throw new AnalysisRequestError(field, `expected a step index from 0 to ${steps - 1}`)
  return v
}

function parseExclusions(raw: unknown, steps: FunnelStep[], order: FunnelOrder): FunnelExclusion[] {
  if (raw === undefined) return []
  if (!Array.isArray(raw) || raw.length > 20) throw new AnalysisRequestError('exclusions', 'expected a list of at most 20 { "event", "from_step", "to_step" }')
  if (raw.length > 0 && order === 'any') throw new AnalysisRequestError('exclusions', 'an "any" order funnel has no order between its steps, so nothing lies between them: use "ordered" or "strict"')
  return raw.map((x, i) => {
    const f = `exclusions[${i}]`
    if (!isObject(x)) throw new AnalysisRequestError(f, 'expected { "event", "from_step", "to_step" }')
    const event = parseName(x.event, `${f}.event`)
    const fromStep = stepIndex(x.from_step, `${f}.from_step`, steps.length)
    const toStep = stepIndex(x.to_step, `${f}.to_step`, steps.length)
    if (toStep <= fromStep) throw new AnalysisRequestError(`${f}.to_step`, 'must be after from_step')
    // An exclusion that is itself one of the guarded steps would cut every funnel through it.
    for (let s = fromStep; s <= toStep; s++) {
      if (steps[s].event === event) throw new AnalysisRequestError(`${f}.event`, `"${event}" is step ${s}, which this exclusion guards: exclude another event`)
    }
    return { event, fromStep, toStep }
  })
}

function parseStepWindows(raw: unknown, steps: number, order: FunnelOrder): Array<number | null> {
  if (raw === undefined) return Array.from({ length: steps }, () => null)
  if (!Array.isArray(raw) || raw.length !== steps) throw new AnalysisRequestError('step_windows', `expected a list of ${steps} entries (one per step, null for none)`)
  if (order === 'any' && raw.some((w) => w !== null)) throw new AnalysisRequestError('step_windows', 'an "any" order funnel has no previous step to measure from: use "ordered" or "strict"')
  return raw.map((w, i) => {
    if (w === null) return null
    if (i === 0) throw new AnalysisRequestError('step_windows[0]', 'the first step has no previous step: use null')
    return parseDuration(w, `step_windows[${i}]`)
  })
}

function parseBreakdown(raw: unknown, steps: number): FunnelBreakdown | null {
  if (raw === undefined || raw === null) return null
  if (!isObject(raw)) throw new AnalysisRequestError('breakdown', 'expected { "property", "attribution", "step" }')
  const property = parseName(raw.property, 'breakdown.property')
  const attribution = (raw.attribution ?? 'first_touch') as Attribution
  if (!ATTRIBUTIONS.includes(attribution)) throw new AnalysisRequestError('breakdown.attribution', `expected one of ${ATTRIBUTIONS.join(', ')}`)
  if (attribution === 'step') return { property, attribution, step: stepIndex(raw.step, 'breakdown.step', steps) }
  if (raw.step !== undefined) throw new AnalysisRequestError('breakdown.step', 'only with "attribution": "step"')
  return { property, attribution, step: null }
}

function parseHeld(raw: unknown): string[] {
  if (raw === undefined) return []
  if (!Array.isArray(raw) || raw.length > 5) throw new AnalysisRequestError('hold_constant', 'expected a list of at most 5 property names')
  return raw.map((p, i) => parseName(p, `hold_constant[${i}]`))
}

/** The request of a JSON body, with `nowMs` for the default range; throws AnalysisRequestError. */
export function parseFunnelRequest(body: unknown, nowMs: number): FunnelRequest {
  if (!isObject(body)) throw new AnalysisRequestError('body', 'expected a JSON object with at least "steps"')
  for (const k of Object.keys(body)) if (!KNOWN_FIELDS.has(k)) throw new AnalysisRequestError(k, `unknown field; the fields are ${[...KNOWN_FIELDS].join(', ')}`)
  const steps = parseSteps(body.steps)
  const order = (body.order ?? 'ordered') as FunnelOrder
  if (!FUNNEL_ORDERS.includes(order)) throw new AnalysisRequestError('order', `expected one of ${FUNNEL_ORDERS.join(', ')}, got ${JSON.stringify(body.order)}`)
  const windowMs = parseDuration(body.window ?? DEFAULT_WINDOW, 'window')
  const toMs = body.to === undefined ? nowMs : parseRangeTime(body.to, 'to')
  const fromMs = body.from === undefined ? toMs - DEFAULT_RANGE_MS : parseRangeTime(body.from, 'from')
  if (fromMs >= toMs) throw new AnalysisRequestError('from', 'must be before "to"')
  return {
    steps,
    windowMs,
    stepWindowsMs: parseStepWindows(body.step_windows, steps.length, order),
    order,
    exclusions: parseExclusions(body.exclusions, steps, order),
    breakdown: parseBreakdown(body.breakdown, steps.length),
    holdConstant: parseHeld(body.hold_constant),
    fromMs,
    toMs,
    histogram: parseHistogramSpec(body.histogram, steps.length),
    interval: parseInterval(body.interval, fromMs, toMs),
  }
}
