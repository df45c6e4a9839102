// What one tag sweep did: the refresh route answers with it, the sweep job logs it.

export interface SweepSummary {
  now: number
  persons: number
  tagChanges: number
  alerts: number
  /** True when every person was recomputed, not only those due. */
  everyone: boolean
  seconds: number
}
