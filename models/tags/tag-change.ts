// A tag added to or removed from a person, as stored in the history table and published on
// `pulse.tags.<tag>.added` / `.removed`, and an alert as published on `pulse.alerts.<kind>`.

export type TagLayer = 'basic' | 'behaviour' | 'preference' | 'value' | 'churn' | 'lifecycle' | 'service'

export interface TagChange {
  personId: string
  ids: string[]
  tag: string
  layer: TagLayer
  change: 'added' | 'removed'
  /** ms since epoch: the clock's now when the change was decided. */
  at: number
  /** The feature values that decided it, by name. */
  reason: Record<string, unknown>
}

export interface Alert {
  kind: 'churn' | 'sla'
  personId: string
  ids: string[]
  at: number
  /** What a person reads, e.g. "activity fell to 1 event in 7 days from 6.5 a week". */
  message: string
  reason: Record<string, unknown>
}
