// `pulse paths [--start EVENT | --end EVENT] [--steps N] [--session-gap 30m] [--top N] …`: the
// paths of a running Pulse (POST /api/paths) as two tables, the nodes of each step with their
// drop-offs and the links between steps, or as the API's JSON.
import type { PathLink, PathNode, PathsAnswer } from '../../models/analytics/paths-answer.ts'
import type { PulseConfig } from '../config.ts'
import { analysisRequestFile, nameList, numberFlag } from './analysis-request-file.ts'
import { postToPulse } from './pulse-request.ts'
import { readApiTarget } from './read-api-target.ts'
import { formatTable } from './row-printing.ts'
import { userError } from './user-error.ts'

export interface PathsFlags {
  start?: string
  end?: string
  steps?: string
  sessionGap?: string
  top?: string
  include?: string
  exclude?: string
  from?: string
  to?: string
  request?: string
  json?: boolean
  url?: string
}

/** The request body of the flags; the server checks every rule and names the field it refuses. */
export function pathsBody(flags: PathsFlags): Record<string, unknown> {
  const body = analysisRequestFile(flags.request, 'Paths')
  if (flags.start !== undefined) body.start_event = flags.start
  if (flags.end !== undefined) body.end_event = flags.end
  if (flags.steps !== undefined) body.steps = numberFlag(flags.steps)
  if (flags.top !== undefined) body.top = numberFlag(flags.top)
  if (flags.sessionGap !== undefined) body.session_gap = flags.sessionGap
  if (flags.include !== undefined) body.include_events = nameList(flags.include)
  if (flags.exclude !== undefined) body.exclude_events = nameList(flags.exclude)
  if (flags.from !== undefined) body.from = flags.from
  if (flags.to !== undefined) body.to = flags.to
  return body
}

const eventName = (event: string | null) => event ?? '(other)'

export function formatPaths(answer: PathsAnswer): string {
  const nodes = new Map<string, PathNode>(answer.nodes.map((n) => [n.id, n]))
  const heading = answer.anchor === null
    ? `${answer.paths} paths of ${answer.persons} persons, from the start of each session`
    : `${answer.paths} paths of ${answer.persons} persons, ${answer.direction === 'forward' ? 'from' : 'leading to'} ${answer.anchor}`
  const nodeRows = answer.nodes.map((n) => ({ step: n.step, event: eventName(n.event), paths: n.paths, dropped: n.drop_off }))
  const linkRow = (l: PathLink) => {
    const [from, to] = [nodes.get(l.source)!, nodes.get(l.target)!]
    return { step: `${from.step} -> ${to.step}`, from: eventName(from.event), to: eventName(to.event), paths: l.value }
  }
  const linkTable = answer.links.length === 0 ? '(no links: every path is one event long)' : formatTable(answer.links.map(linkRow))
  return [heading, '', formatTable(nodeRows), '', linkTable].join('\n')
}

export async function runPathsCommand(flags: PathsFlags, config: PulseConfig): Promise<void> {
  const target = readApiTarget(flags.url, config)
  const { status, body: answer } = await postToPulse<PathsAnswer>(target.url, '/api/paths', target.readKey, pathsBody(flags))
  if (status !== 200) throw userError(`${answer.error?.message ?? `HTTP ${status}`}: fix the paths request`)
  console.log(flags.json ? JSON.stringify(answer) : formatPaths(answer))
}
