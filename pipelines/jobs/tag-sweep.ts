// The sweep: applies what changes with time alone. Persons whose stored next_change_at has passed
// are recomputed (silent, churn risk, SLA breaches, windows sliding). Population thresholds (the
// top 20% of high_value) and the current fit's version (tiers, churn bands) are reloaded at start
// and after each value-model refit; when one moved, every person is recomputed, in pages.
import type { ClickHouseClient } from '@clickhouse/client'
import type { SweepSummary } from '../../models/tags/sweep-summary.ts'
import { personsDueForSweep, personsPage, readValueThresholds, type ValueThresholds } from '../../sql/profiles/profile-store.ts'
import { recomputePersons, type RecomputeDeps } from '../stream/profile-recompute.ts'

export type SweepResult = SweepSummary

const PAGE = 5000

export class TagSweep {
  private thresholds: ValueThresholds = { clv: null, spend365: null }
  private stopped = false

  constructor(
    private readonly client: ClickHouseClient,
    private readonly deps: Omit<RecomputeDeps, 'thresholds'>,
    private readonly highValueShare: number,
  ) {}

  /** A pass running now ends after its current page (the persons left keep their stored tags until the next one). */
  stop(): void {
    this.stopped = true
  }

  currentThresholds(): ValueThresholds {
    return this.thresholds
  }

  /** Reads the population thresholds again; true when one moved (every person needs recomputing). */
  async reloadThresholds(): Promise<boolean> {
    const fresh = await readValueThresholds(this.client, this.highValueShare)
    const moved =
      fresh.clv !== this.thresholds.clv || fresh.spend365 !== this.thresholds.spend365 || fresh.scored !== this.thresholds.scored || fresh.version !== this.thresholds.version
    this.thresholds = fresh
    return moved
  }

  /** One sweep as of `now`: the persons due, or with `everyone` all of them. */
  async run(now: number, everyone = false): Promise<SweepResult> {
    const started = performance.now()
    const deps: RecomputeDeps = { ...this.deps, thresholds: () => this.thresholds }
    const all = everyone
    let persons = 0
    let tagChanges = 0
    let alerts = 0
    const add = (r: { persons: number; changes: unknown[]; alerts: unknown[] }) => ((persons += r.persons), (tagChanges += r.changes.length), (alerts += r.alerts.length))
    if (all) {
      for (let after = ''; !this.stopped; ) {
        const page = await personsPage(this.client, after, PAGE)
        if (page.length === 0) break
        add(await recomputePersons(deps, page, now))
        after = page[page.length - 1]
      }
    } else {
      const due = await personsDueForSweep(this.client, now)
      for (let i = 0; i < due.length && !this.stopped; i += PAGE) add(await recomputePersons(deps, due.slice(i, i + PAGE), now))
    }
    return { now, persons, tagChanges, alerts, everyone: all, seconds: (performance.now() - started) / 1000 }
  }
}
