// The paths rules of the README ("Paths") written out plainly, one path at a time, for the
// property test: no arrays of codes, no counts folded in SQL.
import type { PathsRequest } from '../../models/analytics/paths-request.ts'

export interface PathEvent {
  person: string
  event: string
  type: string
  ts: number
  receivedAt: number
  /** The fixed tie order of events at the same time and receive time. */
  tie: bigint
}

function sessionPaths(request: PathsRequest, events: PathEvent[]): string[][] {
  const kept = events.filter((e) => e.ts >= request.fromMs && e.ts < request.toMs && ['track', 'page', 'screen'].includes(e.type)
    && (request.includeEvents.length === 0 || request.includeEvents.includes(e.event)) && !request.excludeEvents.includes(e.event))
  const byPerson = new Map<string, PathEvent[]>()
  for (const e of kept) byPerson.set(e.person, [...(byPerson.get(e.person) ?? []), e])
  const paths: Array<{ person: string; path: string[] }> = []
  for (const [person, list] of byPerson) {
    list.sort((a, b) => a.ts - b.ts || a.receivedAt - b.receivedAt || (a.tie < b.tie ? -1 : a.tie > b.tie ? 1 : 0))
    const sessions: string[][] = []
    list.forEach((e, i) => {
      if (i === 0 || e.ts - list[i - 1].ts >= request.sessionGapMs) sessions.push([e.event])
      else if (sessions[sessions.length - 1].at(-1) !== e.event) sessions[sessions.length - 1].push(e.event)
    })
    for (const s of sessions) {
      const at = request.anchor === null ? 0 : s.indexOf(request.anchor)
      if (at < 0) continue
      const path = request.direction === 'forward' ? s.slice(at) : s.slice(0, at + 1).reverse()
      paths.push({ person, path })
    }
  }
  return paths.map((p) => [p.person, ...p.path])
}

/** The answer of POST /api/paths for `request` over `events`, by the README's rules. */
export function referencePaths(request: PathsRequest, events: PathEvent[]) {
  const all = sessionPaths(request, events)
  const persons = new Set(all.map((p) => p[0])).size
  const paths = all.map((p) => p.slice(1, request.steps + 1).map((event, i) => ({ event, last: i + 2 > p.length - 1 })))
  const kept: Array<Set<string>> = []
  for (let step = 1; step <= request.steps; step++) {
    const through = new Map<string, number>()
    for (const p of paths) if (p[step - 1]) through.set(p[step - 1].event, (through.get(p[step - 1].event) ?? 0) + 1)
    const ranked = [...through].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    kept[step] = new Set(ranked.slice(0, request.top).map(([e]) => e))
  }
  const name = (step: number, event: string) => (kept[step].has(event) ? event : null)
  const id = (step: number, event: string | null) => `${step}_${event ?? '$other'}`
  const nodes = new Map<string, { id: string; step: number; event: string | null; paths: number; drop_off: number }>()
  const links = new Map<string, { source: string; target: string; value: number; step: number }>()
  for (const p of paths) {
    p.forEach((n, i) => {
      const step = i + 1
      const event = name(step, n.event)
      const node = nodes.get(id(step, event)) ?? { id: id(step, event), step, event, paths: 0, drop_off: 0 }
      node.paths++
      if (n.last) node.drop_off++
      nodes.set(node.id, node)
      if (i + 1 < p.length) {
        const next = id(step + 1, name(step + 1, p[i + 1].event))
        const [source, target] = request.direction === 'forward' ? [node.id, next] : [next, node.id]
        const link = links.get(`${source}|${target}`) ?? { source, target, value: 0, step }
        link.value++
        links.set(`${source}|${target}`, link)
      }
    })
  }
  const cmp = (a: string | null, b: string | null) => (a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : 1)
  return {
    direction: request.direction,
    anchor: request.anchor,
    persons,
    paths: paths.length,
    nodes: [...nodes.values()].sort((a, b) => a.step - b.step || Number(a.event === null) - Number(b.event === null) || b.paths - a.paths || cmp(a.event, b.event)),
    links: [...links.values()].sort((a, b) => a.step - b.step || b.value - a.value || cmp(a.source, b.source) || cmp(a.target, b.target)).map(({ source, target, value }) => ({ source, target, value })),
  }
}
