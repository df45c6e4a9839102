// What applying a batch's ids and links to the identity graph changed: new or moved ids (to
// store), merges (to record with their cause) and the outcome of every link (to store with the
// event that made it; refusals are also logged).
import type { IdLink } from './event-ids.ts'

export interface IdAssignment {
  id: string
  personId: string
  /** The id arrived as a user id (README, Identity): a person is identified when any of its ids is. */
  identified: boolean
  /** When the person was created, ms since epoch: a merge of two anonymous persons keeps the older. */
  personCreatedAt: number
}

export interface PersonMerge {
  /** The person that no longer exists: its ids now belong to `intoPerson`. */
  fromPerson: string
  intoPerson: string
  link: IdLink
  /** How many ids moved. */
  idsMoved: number
}

export type LinkOutcome = 'linked' | 'merged' | 'already_linked' | 'refused'

export interface LinkResult {
  link: IdLink
  outcome: LinkOutcome
  /** Why a link was refused (blocklisted id, two identified persons), else ''. */
  reason: string
  /** The person both ids belong to after the batch (the `toId`'s person when refused, the `fromId`'s when the `toId` is blocklisted). */
  personId: string
}

export interface IdentityChanges {
  assignments: IdAssignment[]
  merges: PersonMerge[]
  links: LinkResult[]
  /** Persons whose features must be recomputed: every person that got, kept or lost an id here (merged-away ones excluded). */
  touchedPersons: string[]
  /** Persons this apply created that still exist after it: nothing of theirs can be stored yet. */
  createdPersons: string[]
  /** Stored with the assignments: above every version stored before, so the newest assignment wins across restarts. */
  version: number
}
