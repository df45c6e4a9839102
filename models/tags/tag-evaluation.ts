// The tags a person holds as of `now`, the changes against what they held before, and when the
// person's tags could next change with no new event (what the sweep waits for).
import type { PersonFeatures } from './person-features.ts'
import { lastEngagement, lifecycleTimeEdges } from './lifecycle.ts'
import { complaintDeadline } from './service-quality.ts'
import { catalogEntryOf, TAG_CATALOG, type Reason, type ValueContext } from './tag-catalog.ts'
import type { TagChange, TagLayer } from './tag-change.ts'
import { FEATURE_WINDOWS_DAYS as W, type TagSettings } from './tag-settings.ts'

const DAY_MS = 86_400_000

export interface HeldTag {
  tag: string
  layer: TagLayer
  reason: Reason
}

export interface TagEvaluation {
  held: HeldTag[]
  /** Every catalog rule's inputs by entry id, held or not: the reason of a removal. */
  inputs: Record<string, Reason>
}

export function evaluateTags(features: PersonFeatures, value: ValueContext, settings: TagSettings, now: number): TagEvaluation {
  const held: HeldTag[] = []
  const inputs: Record<string, Reason> = {}
  for (const entry of TAG_CATALOG) {
    inputs[entry.id] = entry.inputs(features, value, settings, now)
    for (const hit of entry.evaluate(features, value, settings, now) ?? []) held.push({ tag: hit.tag, layer: entry.layer, reason: hit.reason })
  }
  return { held, inputs }
}

/** Tags removed (held before, not now) then added (held now, not before). */
export function diffTags(previous: ReadonlyMap<string, { layer: TagLayer }>, next: TagEvaluation, personId: string, ids: string[], now: number): TagChange[] {
  const changes: TagChange[] = []
  const nextTags = new Set(next.held.map((h) => h.tag))
  for (const [tag, { layer }] of previous) {
    if (nextTags.has(tag)) continue
    const entry = catalogEntryOf(tag)
    // A tag whose rule left the catalog is removed too, so no person keeps a tag nothing maintains.
    const reason = entry ? next.inputs[entry.id] : { rule: 'no longer in the tag catalog' }
    changes.push({ personId, ids, tag, layer, change: 'removed', at: now, reason })
  }
  for (const h of next.held) {
    if (!previous.has(h.tag)) changes.push({ personId, ids, tag: h.tag, layer: h.layer, change: 'added', at: now, reason: h.reason })
  }
  return changes
}

/**
 * The earliest time after `now` at which a rule could flip with no new event: silent, churn_risk,
 * sla_breached, the lifecycle edges, and the times the person's latest activity and latest
 * purchase leave each window the rules read (a count then drops to 0). Counts that fall while
 * other events remain in a window are seen when the person is next evaluated: the feature vector
 * does not hold each event's time. null when nothing can change by time alone.
 */
export function nextTimeChange(features: PersonFeatures, settings: TagSettings, now: number): number | null {
  const edges: number[] = [...lifecycleTimeEdges(features, settings)]
  const engaged = lastEngagement(features)
  if (engaged !== null) edges.push(engaged + settings.churnRisk.inactiveDays * DAY_MS)
  const activity = features.lastActivity
  if (activity !== null) {
    const baselineEnd = W.activityRecent + 7 * W.baselineWeeks
    for (const days of [settings.silent.inactiveDays, W.activityRecent, W.activityHalves, 2 * W.activityHalves, W.logins, baselineEnd]) edges.push(activity + days * DAY_MS)
  }
  const purchase = features.lastPurchase
  if (purchase !== null) {
    for (const days of [W.orders, W.spendHalves, 2 * W.spendHalves, W.spend]) edges.push(purchase + days * DAY_MS)
  }
  for (const c of features.openComplaints) edges.push(complaintDeadline(c.filedAt, c.severity, settings))
  const future = edges.filter((t) => t > now)
  return future.length > 0 ? Math.min(...future) : null
}
