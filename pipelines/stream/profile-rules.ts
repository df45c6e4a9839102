// The pure tag, alert and health rules bound to a deployment's settings, in the shape the profile
// recompute uses.
import { churnWarning, slaAlerts } from '../../models/tags/churn-warning.ts'
import { healthScore } from '../../models/tags/health-score.ts'
import type { PersonFeatures } from '../../models/tags/person-features.ts'
import { catalogEntryOf } from '../../models/tags/tag-catalog.ts'
import type { Alert, TagLayer } from '../../models/tags/tag-change.ts'
import { evaluateTags, nextTimeChange, type TagEvaluation } from '../../models/tags/tag-evaluation.ts'
import type { TagSettings } from '../../models/tags/tag-settings.ts'
import type { ValueThresholds } from '../../sql/profiles/profile-store.ts'

export interface ProfileRules {
  evaluate(features: PersonFeatures, value: { clv: number | null; tier: string | null; churnBand?: string | null }, thresholds: ValueThresholds, now: number): TagEvaluation
  /** Alert conditions that hold now, by key (`churn`, `sla:<complaint id>`): an alert is raised when its key appears. */
  alerts(features: PersonFeatures, now: number): Map<string, Alert>
  health(features: PersonFeatures): number | null
  /** The earliest time after `now` at which a rule could flip with time alone; null when none can. */
  nextChange(features: PersonFeatures, now: number): number | null
  layerOf(tag: string): TagLayer
}

export function profileRules(settings: TagSettings): ProfileRules {
  return {
    evaluate: (f, value, thresholds, now) =>
      evaluateTags(f, { clv: value.clv, tier: value.tier, churnBand: value.churnBand ?? null, clvTop20Threshold: thresholds.clv, spend365Top20Threshold: thresholds.spend365 }, settings, now),
    alerts(f, now) {
      const out = new Map<string, Alert>()
      const churn = churnWarning(f, settings, now)
      if (churn) out.set('churn', churn)
      for (const a of slaAlerts(f, settings, now)) out.set(`sla:${String(a.reason.complaintId)}`, a)
      return out
    },
    health: (f) => healthScore(f, settings).score,
    nextChange(f, now) {
      const byRules = nextTimeChange(f, settings, now)
      const byWindows = f.nextWindowExit !== null && f.nextWindowExit > now ? f.nextWindowExit : null
      if (byRules === null) return byWindows
      return byWindows === null ? byRules : Math.min(byRules, byWindows)
    },
    layerOf: (tag) => catalogEntryOf(tag)?.layer ?? 'basic',
  }
}
