// The funnel semantics of the README ("Funnels"), by brute force: for each entry every chain of
// events is tried, in index order, so the first full chain found is the one with the earliest
// event at each step. The oracle of the property test; slow by design, never clever.
import type { FunnelAnswer, FunnelStepResult } from '../../models/analytics/funnel-answer.ts'
import type { FunnelRequest } from '../../models/analytics/funnel-request.ts'
import type { FilterValue, PropertyFilter } from '../../models/analytics/property-filter.ts'

export interface ReferenceEvent {
  person: string
  event: string
  ts: number
  receivedAt: number
  /** The fixed order of events at the same time and receive time (cityHash64 of source and message id). */
  tie: bigint
  properties: Record<string, unknown>
}

function same(p: unknown, v: FilterValue): boolean {
  return typeof p === typeof v && p === v
}

function filterHolds(f: PropertyFilter, props: Record<string, unknown>): boolean {
  const p = props[f.property]
  const set = Object.hasOwn(props, f.property) && p !== null
  switch (f.op) {
    case 'is_set': return set
    case 'is_not_set': return !set
    case 'eq': case 'in': return f.values.some((v) => same(p, v))
    case 'neq': case 'not_in': return !f.values.some((v) => same(p, v))
    case 'gt': return typeof p === 'number' && p > (f.values[0] as number)
    case 'gte': return typeof p === 'number' && p >= (f.values[0] as number)
    case 'lt': return typeof p === 'number' && p < (f.values[0] as number)
    case 'lte': return typeof p === 'number' && p <= (f.values[0] as number)
    case 'contains': return typeof p === 'string' && p.includes(f.values[0] as string)
  }
}

function raw(v: unknown): string {
  return v === undefined ? '' : JSON.stringify(v)
}

function textValue(v: unknown): string | null {
  if (v === undefined || v === null) return null
  return typeof v === 'string' ? v : JSON.stringify(v)
}

interface PersonResult {
  person: string
  /** The entry of the path the counts measure, and the time of each step of that path. */
  entryTs: number
  pathTs: number[]
  level: number
  gapsMs: number[]
  value: string | null
  lastEntry: number
}

function personFunnel(req: FunnelRequest, events: ReferenceEvent[]): PersonResult | null {
  const n = events.length
  const S = req.steps.length
  const matches = (i: number, s: number) => events[i].event === req.steps[s].event && req.steps[s].filters.every((f) => filterHolds(f, events[i].properties))
  const held = (i: number) => req.holdConstant.map((h) => raw(events[i].properties[h])).join('\u0000')
  const inRange = (i: number) => events[i].ts >= req.fromMs && events[i].ts < req.toMs
  const entries = [...Array(n).keys()].filter((i) => inRange(i) && (req.order === 'any' ? req.steps.some((_, s) => matches(i, s)) : matches(i, 0)))
  if (entries.length === 0) return null
  const inWindow = (e: number, r: number) => r >= e && events[r].ts - events[e].ts <= req.windowMs && held(r) === held(e)

  // ordered / strict: all chains from an entry, depth first in index order.
  const chainOk = (path: number[]): boolean => {
    const k = path.length - 1
    const r = path[k]
    const prev = path[k - 1]
    if (!matches(r, k) || !inWindow(path[0], r) || r <= prev) return false
    if (req.order === 'strict' && r !== prev + 1) return false
    const sw = req.stepWindowsMs[k]
    if (sw !== null && events[r].ts - events[prev].ts > sw) return false
    for (const x of req.exclusions) {
      if (x.fromStep >= k) continue
      const a = path[x.fromStep]
      const b = path[Math.min(x.toStep, k)]
      for (let q = a + 1; q < b; q++) if (events[q].event === x.event) return false
    }
    return true
  }
  const deepest = (path: number[], want: number): number[] | null => {
    if (path.length === want) return path
    for (let r = path[path.length - 1] + 1; r < n; r++) {
      const next = [...path, r]
      if (!chainOk(next)) continue
      const found = deepest(next, want)
      if (found) return found
    }
    return null
  }
  const orderedLevel = (e: number): number => {
    let level = 1
    for (let want = 2; want <= S; want++) if (deepest([e], want)) level = want
    return level
  }

  // any: the distinct steps among the window's events.
  const windowEvents = (e: number) => [...Array(n).keys()].filter((r) => inWindow(e, r))
  const stepsOf = (r: number) => req.steps.map((_, s) => s).filter((s) => matches(r, s))
  const anyLevel = (e: number) => new Set(windowEvents(e).flatMap(stepsOf)).size

  const levels = entries.map((e) => (req.order === 'any' ? anyLevel(e) : orderedLevel(e)))
  const level = Math.max(...levels)
  const entry = entries[levels.indexOf(level)]
  let path: number[]
  if (req.order === 'any') {
    path = []
    const seen = new Set<number>()
    for (const r of windowEvents(entry)) {
      for (const s of stepsOf(r)) seen.add(s)
      while (path.length < Math.min(seen.size, level)) path.push(r)
    }
  } else path = deepest([entry], level)!
  const gapsMs = path.slice(1).map((r, k) => events[r].ts - events[path[k]].ts)
  const bd = req.breakdown
  let at: number | undefined
  if (bd?.attribution === 'first_touch') at = entry
  else if (bd?.attribution === 'last_touch') at = path[level - 1]
  else if (bd?.attribution === 'step') at = req.order === 'any' ? windowEvents(entry).find((r) => matches(r, bd.step!)) : path[bd.step!]
  const value = bd && at !== undefined ? textValue(events[at].properties[bd.property]) : null
  return { person: events[0].person, entryTs: events[entry].ts, pathTs: path.map((r) => events[r].ts), level, gapsMs, value, lastEntry: Math.max(...entries.map((e) => events[e].ts)) }
}

export function quantile(sorted: number[], p: number): number {
  const h = (sorted.length - 1) * p
  const lo = Math.floor(h)
  return sorted[lo] + (h - lo) * (sorted[Math.min(lo + 1, sorted.length - 1)] - sorted[lo])
}

function stepsOf(req: FunnelRequest, results: PersonResult[]): FunnelStepResult[] {
  const persons = req.steps.map((_, k) => results.filter((r) => r.level > k).length)
  return req.steps.map((s, k) => {
    const gaps = results.filter((r) => r.level > k && k > 0).map((r) => r.gapsMs[k - 1]).sort((a, b) => a - b)
    const previous = k === 0 ? persons[0] : persons[k - 1]
    return {
      event: s.event,
      persons: persons[k],
      conversion_from_start: persons[0] === 0 ? 0 : persons[k] / persons[0],
      conversion_from_previous: previous === 0 ? 0 : persons[k] / previous,
      drop_off: previous - persons[k],
      median_seconds_from_previous: gaps.length ? quantile(gaps, 0.5) / 1000 : null,
      mean_seconds_from_previous: gaps.length ? gaps.reduce((a, b) => a + b, 0) / gaps.length / 1000 : null,
      p90_seconds_from_previous: gaps.length ? quantile(gaps, 0.9) / 1000 : null,
    }
  })
}

export function referenceResults(req: FunnelRequest, events: ReferenceEvent[]): PersonResult[] {
  const byPerson = new Map<string, ReferenceEvent[]>()
  for (const e of events) byPerson.set(e.person, [...(byPerson.get(e.person) ?? []), e])
  const results: PersonResult[] = []
  for (const list of byPerson.values()) {
    list.sort((a, b) => a.ts - b.ts || a.receivedAt - b.receivedAt || (a.tie < b.tie ? -1 : a.tie > b.tie ? 1 : 0))
    const r = personFunnel(req, list)
    if (r) results.push(r)
  }
  return results
}

export function referenceFunnel(req: FunnelRequest, events: ReferenceEvent[], nowMs: number): FunnelAnswer {
  const results = referenceResults(req, events)
  const values = [...new Set(results.map((r) => r.value))]
  const breakdown = values
    .map((value) => ({ value, steps: stepsOf(req, results.filter((r) => r.value === value)) }))
    .sort((a, b) => b.steps[0].persons - a.steps[0].persons || (a.value === null ? 1 : b.value === null ? -1 : a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
  return {
    steps: stepsOf(req, results),
    breakdown: req.breakdown ? breakdown : [],
    incomplete: results.some((r) => r.lastEntry + req.windowMs >= nowMs),
  }
}
