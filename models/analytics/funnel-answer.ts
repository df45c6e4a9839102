// The funnel answer (README, "Funnels"): counts per step for everyone and per breakdown value,
// with the conversion rates, drop-offs and times to convert between consecutive steps.
import type { ConversionOverTime } from './conversion-over-time.ts'
import type { ConversionTimeHistogram } from './conversion-time-histogram.ts'
import type { FunnelRequest } from './funnel-request.ts'

export interface FunnelStepResult {
  event: string
  persons: number
  conversion_from_start: number
  conversion_from_previous: number
  drop_off: number
  median_seconds_from_previous: number | null
  mean_seconds_from_previous: number | null
  p90_seconds_from_previous: number | null
}

export interface FunnelAnswer {
  steps: FunnelStepResult[]
  breakdown: Array<{ value: string | null; steps: FunnelStepResult[] }>
  incomplete: boolean
  /** Only when the request asks for it. */
  histogram?: ConversionTimeHistogram
  over_time?: ConversionOverTime
}

/** One group's figures: persons per step, and per step k >= 1 the times from step k-1 (seconds). */
export interface FunnelGroup {
  persons: number[]
  /** Index k-1 holds the figures of the gap into step k; missing or null where nobody reached k. */
  medianSeconds: Array<number | null>
  meanSeconds: Array<number | null>
  p90Seconds: Array<number | null>
}

/** A share, 0 when nobody was there to convert. */
function rate(n: number, of: number): number {
  return of === 0 ? 0 : n / of
}

export function funnelSteps(request: FunnelRequest, group: FunnelGroup): FunnelStepResult[] {
  return request.steps.map((step, k) => {
    const persons = group.persons[k] ?? 0
    const previous = k === 0 ? persons : (group.persons[k - 1] ?? 0)
    return {
      event: step.event,
      persons,
      conversion_from_start: rate(persons, group.persons[0] ?? 0),
      conversion_from_previous: rate(persons, previous),
      drop_off: previous - persons,
      median_seconds_from_previous: k === 0 ? null : (group.medianSeconds[k - 1] ?? null),
      mean_seconds_from_previous: k === 0 ? null : (group.meanSeconds[k - 1] ?? null),
      p90_seconds_from_previous: k === 0 ? null : (group.p90Seconds[k - 1] ?? null),
    }
  })
}

/** Breakdown values by persons entering, most first, then by value (null, the unset one, last). */
export function funnelAnswer(
  request: FunnelRequest,
  total: FunnelGroup,
  byValue: Array<{ value: string | null; group: FunnelGroup }>,
  incomplete: boolean,
): FunnelAnswer {
  const sorted = [...byValue].sort((a, b) => {
    const d = (b.group.persons[0] ?? 0) - (a.group.persons[0] ?? 0)
    if (d !== 0) return d
    if (a.value === null || b.value === null) return a.value === null ? (b.value === null ? 0 : 1) : -1
    return a.value < b.value ? -1 : a.value > b.value ? 1 : 0
  })
  return {
    steps: funnelSteps(request, total),
    breakdown: request.breakdown ? sorted.map((b) => ({ value: b.value, steps: funnelSteps(request, b.group) })) : [],
    incomplete,
  }
}
