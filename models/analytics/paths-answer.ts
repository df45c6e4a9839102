// The paths answer (README, "Paths"): the nodes and links of a Sankey diagram, built from the
// query's counts of (step, event, next event). Per step the `top` events with the most paths are
// nodes of their own; the step's other events are folded into one "other" node, as PostHog does.
import type { PathsDirection, PathsRequest } from './paths-request.ts'

/** One row of sql/queries/paths.sql: `paths` paths have `source` at `step` and `target` next ('' = none). */
export interface PathTransitionCount {
  step: number
  source: string
  target: string
  paths: number
}

export interface PathNode {
  /** `<step>_<event>`, or `<step>_$other` for the step's folded events. */
  id: string
  step: number
  /** null on the "other" node. */
  event: string | null
  /** Paths through this node. */
  paths: number
  /** Paths with nothing after this node, away from the anchor (README, "Paths"). */
  drop_off: number
}

export interface PathLink {
  /** The earlier node in time. */
  source: string
  target: string
  /** Paths going from source to target. */
  value: number
}

export interface PathsAnswer {
  direction: PathsDirection
  anchor: string | null
  /** Persons with at least one path. */
  persons: number
  paths: number
  nodes: PathNode[]
  links: PathLink[]
}

export const OTHER_NODE = '$other'

function nodeIdOf(step: number, event: string | null): string {
  return `${step}_${event ?? OTHER_NODE}`
}

/** Per step, the events kept as nodes: the most paths first, ties by name. */
function keptEvents(counts: PathTransitionCount[], top: number): Map<number, Set<string>> {
  const through = new Map<number, Map<string, number>>()
  for (const c of counts) {
    const byEvent = through.get(c.step) ?? new Map<string, number>()
    byEvent.set(c.source, (byEvent.get(c.source) ?? 0) + c.paths)
    through.set(c.step, byEvent)
  }
  const kept = new Map<number, Set<string>>()
  for (const [step, byEvent] of through) {
    const ranked = [...byEvent].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    kept.set(step, new Set(ranked.slice(0, top).map(([e]) => e)))
  }
  return kept
}

export function pathsAnswer(request: PathsRequest, counts: PathTransitionCount[], persons: number): PathsAnswer {
  const kept = keptEvents(counts, request.top)
  const shown = (step: number, event: string): string | null => (kept.get(step)?.has(event) ? event : null)
  const nodes = new Map<string, PathNode>()
  const links = new Map<string, PathLink & { step: number }>()
  for (const c of counts) {
    const event = shown(c.step, c.source)
    const id = nodeIdOf(c.step, event)
    const node = nodes.get(id) ?? { id, step: c.step, event, paths: 0, drop_off: 0 }
    node.paths += c.paths
    if (c.target === '') node.drop_off += c.paths
    nodes.set(id, node)
    // The query sends the event after the last step too, only to tell a cut path from a dropped one.
    if (c.target === '' || c.step >= request.steps) continue
    const next = nodeIdOf(c.step + 1, shown(c.step + 1, c.target))
    const [source, target] = request.direction === 'forward' ? [id, next] : [next, id]
    const key = JSON.stringify([source, target])
    const link = links.get(key) ?? { source, target, value: 0, step: c.step }
    link.value += c.paths
    links.set(key, link)
  }
  const byName = (a: string | null, b: string | null) => (a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : 1)
  const sortedNodes = [...nodes.values()].sort((a, b) => a.step - b.step || Number(a.event === null) - Number(b.event === null) || b.paths - a.paths || byName(a.event, b.event))
  const sortedLinks = [...links.values()]
    .sort((a, b) => a.step - b.step || b.value - a.value || byName(a.source, b.source) || byName(a.target, b.target))
    .map(({ source, target, value }) => ({ source, target, value }))
  const paths = sortedNodes.filter((n) => n.step === 1).reduce((sum, n) => sum + n.paths, 0)
  return { direction: request.direction, anchor: request.anchor, persons, paths, nodes: sortedNodes, links: sortedLinks }
}
