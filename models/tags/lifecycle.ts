// The lifecycle stage: exactly one per person. Rules, first match wins (defaults in tag-settings):
//   churned   no activity event and no purchase for 90 days, after having either
//   prospect  never purchased
//   new       first purchase less than 30 days ago
//   declining activity of the last 30 days under half of the 30 before, or spend of the last 91
//             days under half of the 91 before
//   mature    first purchase 180 or more days ago
//   active    everyone else
// Why this order: churned comes first because a person gone for 90 days is lost whatever they did
// before (a prospect who left is not one to work on); prospect and new describe where a customer
// relationship starts, and a first month has no earlier month to decline from; declining comes
// before mature because a falling trend is what a long-standing customer's team must act on.
import type { PersonFeatures } from './person-features.ts'
import type { TagSettings } from './tag-settings.ts'

export const LIFECYCLE_STAGES = ['prospect', 'new', 'active', 'mature', 'declining', 'churned'] as const
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number]

const DAY_MS = 86_400_000

export type LifecycleInputs = Pick<PersonFeatures, 'lastActivity' | 'lastPurchase' | 'firstPurchase' | 'activity30d' | 'activityPrev30d' | 'last91d' | 'prev91d'>

/** The later of the last activity event and the last purchase; null when neither happened. */
export function lastEngagement(f: Pick<PersonFeatures, 'lastActivity' | 'lastPurchase'>): number | null {
  if (f.lastActivity === null) return f.lastPurchase
  if (f.lastPurchase === null) return f.lastActivity
  return Math.max(f.lastActivity, f.lastPurchase)
}

/** A fall under `share` of a positive earlier value (a ratio: 0.55 x 100 is not 55 in floating point). */
export function fellUnder(recent: number, before: number, share: number): boolean {
  return before > 0 && recent / before < share
}

export function lifecycleStage(f: LifecycleInputs, settings: TagSettings, now: number): LifecycleStage {
  const s = settings.lifecycle
  const last = lastEngagement(f)
  if (last !== null && now - last >= s.churnedDays * DAY_MS) return 'churned'
  if (f.firstPurchase === null) return 'prospect'
  const sinceFirst = now - f.firstPurchase
  if (sinceFirst < s.newDays * DAY_MS) return 'new'
  if (fellUnder(f.activity30d, f.activityPrev30d, s.decliningShare) || fellUnder(f.last91d.spend, f.prev91d.spend, s.decliningShare)) return 'declining'
  if (sinceFirst >= s.matureDays * DAY_MS) return 'mature'
  return 'active'
}

/** The feature values the stage is decided by, for a tag change's reason. */
export function lifecycleReason(f: LifecycleInputs, now: number): Record<string, unknown> {
  const last = lastEngagement(f)
  return {
    daysSinceLastEngagement: last === null ? null : (now - last) / DAY_MS,
    daysSinceFirstPurchase: f.firstPurchase === null ? null : (now - f.firstPurchase) / DAY_MS,
    activity30d: f.activity30d,
    activityPrev30d: f.activityPrev30d,
    spendLast91d: f.last91d.spend,
    spendPrev91d: f.prev91d.spend,
  }
}

/** The times after `now` at which the stage can change with no new event. */
export function lifecycleTimeEdges(f: LifecycleInputs, settings: TagSettings): number[] {
  const s = settings.lifecycle
  const last = lastEngagement(f)
  const out: number[] = []
  if (last !== null) out.push(last + s.churnedDays * DAY_MS)
  if (f.firstPurchase !== null) out.push(f.firstPurchase + s.newDays * DAY_MS, f.firstPurchase + s.matureDays * DAY_MS)
  return out
}
