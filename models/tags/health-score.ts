// The health score, 0 (worst) to 100 (best): a weighted mean of four parts, each 0..1.
//   activity    a30 / (a30 + aPrev30): activity of the last 30 days against the 30 before
//               (0.5 = steady, 1 = all of it recent, 0 = stopped)
//   spend       s91 / (s91 + sPrev91): spend of the last 91 days against the 91 before
//   complaints  1 - min(1, complaints of 365 days / max(1, orders of 365 days))
//   nps         last NPS score / 10
// health = round(100 x sum(weight x part) / sum(weight)) over the parts the person has: a part with
// nothing to measure (no activity in either window, no spend in either, neither orders nor
// complaints, no NPS) is left out rather than counted as 0, so a new person is not scored as
// unhealthy. null when no part can be measured. Weights: tags.health (default 0.3, 0.3, 0.2, 0.2).
import type { PersonFeatures } from './person-features.ts'
import type { TagSettings } from './tag-settings.ts'

export type HealthInputs = Pick<PersonFeatures, 'activity30d' | 'activityPrev30d' | 'last91d' | 'prev91d' | 'complaints365d' | 'window365d' | 'lastNps'>

export interface HealthParts {
  activity: number | null
  spend: number | null
  complaints: number | null
  nps: number | null
}

/** Share of the two periods' total that is recent; null when both are 0. */
function trend(recent: number, before: number): number | null {
  const total = recent + before
  return total > 0 ? recent / total : null
}

export function healthParts(f: HealthInputs): HealthParts {
  const orders = f.window365d.orders
  return {
    activity: trend(f.activity30d, f.activityPrev30d),
    spend: trend(Math.max(0, f.last91d.spend), Math.max(0, f.prev91d.spend)),
    complaints: orders === 0 && f.complaints365d === 0 ? null : 1 - Math.min(1, f.complaints365d / Math.max(1, orders)),
    nps: f.lastNps === null ? null : Math.min(1, Math.max(0, f.lastNps.score / 10)),
  }
}

export function healthScore(f: HealthInputs, settings: TagSettings): { score: number | null; parts: HealthParts } {
  const parts = healthParts(f)
  let weighted = 0
  let weights = 0
  for (const name of ['activity', 'spend', 'complaints', 'nps'] as const) {
    const part = parts[name]
    if (part === null) continue
    weighted += settings.health[name] * part
    weights += settings.health[name]
  }
  return { score: weights > 0 ? Math.round((100 * weighted) / weights) : null, parts }
}
