// A tag added to or removed from a person, as stored in the history table and published on
// `pulse.tags.<tag>.added` / `.removed`, and an alert as published on `pulse.alerts.<kind>`.

// `funnel`: audiences saved from a funnel (README, "Funnels", persons), kept by no rule of the catalog.
export type TagLayer = 'basic' | 'behaviour' | 'preference' | 'value' | 'churn' | 'lifecycle' | 'service' | 'funnel'

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
  /**
   * The version of the stored state the change was decided against (0: none stored). The same
   * batch recomputed after a crash decides the same change against the same state, at another
   * `at`: its message id comes from this, so the stream keeps it once (change-message.ts).
   */
  basis?: number
  /**
   * What decided the change beside the stored state, where that is a request (a saved funnel
   * audience's funnel, status and step): a save sent again repeats its message ids, another request
   * deciding the same change against the same state gets new ones (change-message.ts).
   */
  decidedBy?: string
}

export interface Alert {
  kind: 'churn' | 'sla'
  personId: string
  ids: string[]
  at: number
  /** What a person reads, e.g. "activity fell to 1 event in 7 days from 6.5 a week". */
  message: string
  reason: Record<string, unknown>
  /** As TagChange's: the version of the stored state the alert was raised against. */
  basis?: number
}
