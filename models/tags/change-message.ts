// The JSON bodies of tag changes and alerts on NATS (and POSTed to webhooks), and the message ids
// that let JetStream store a batch published twice (a redelivered batch) only once.
import { hash } from 'node:crypto'
import type { Alert, TagChange } from './tag-change.ts'

/**
 * Ids a message carries at most: a person with tens of thousands of ids (an id stitched to every
 * device, or a flood of identify calls) would make one message larger than the NATS server's
 * max_payload, and its batch could never be published.
 */
export const MAX_MESSAGE_IDS = 100

export interface TagChangeBody {
  person_id: string
  /** The person's first MAX_MESSAGE_IDS ids. */
  ids: string[]
  /** How many ids the person has, present when `ids` was cut. */
  ids_total?: number
  tag: string
  change: 'added' | 'removed'
  /** ISO 8601, UTC. */
  at: string
  reason: Record<string, unknown>
}

export interface AlertBody {
  kind: Alert['kind']
  person_id: string
  ids: string[]
  ids_total?: number
  at: string
  message: string
  reason: Record<string, unknown>
}

function messageIds(ids: string[]): { ids: string[]; ids_total?: number } {
  return ids.length <= MAX_MESSAGE_IDS ? { ids } : { ids: ids.slice(0, MAX_MESSAGE_IDS), ids_total: ids.length }
}

export function tagChangeBody(c: TagChange): TagChangeBody {
  return { person_id: c.personId, ...messageIds(c.ids), tag: c.tag, change: c.change, at: new Date(c.at).toISOString(), reason: c.reason }
}

export function alertBody(a: Alert): AlertBody {
  return { kind: a.kind, person_id: a.personId, ...messageIds(a.ids), at: new Date(a.at).toISOString(), message: a.message, reason: a.reason }
}

// Hashed: tag values and ids may be long or hold any character; the id only has to be equal for
// equal changes.
function digest(parts: Array<string | number>): string {
  return hash('sha256', JSON.stringify(parts), 'hex').slice(0, 32)
}

/** Same person, tag, change and time: the same change, stored once. */
/** By the state the change replaces where known (a recompute after a crash repeats it at another time), else by its time. */
export function tagChangeMessageId(c: Pick<TagChange, 'personId' | 'tag' | 'change' | 'at' | 'basis' | 'decidedBy'>): string {
  if (c.basis === undefined) return 'tag-' + digest([c.personId, c.tag, c.change, c.at])
  return 'tag-' + digest(c.decidedBy === undefined ? [c.personId, c.tag, c.change, 'basis', c.basis] : [c.personId, c.tag, c.change, 'basis', c.basis, 'by', c.decidedBy])
}

export function alertMessageId(a: Pick<Alert, 'kind' | 'personId' | 'at' | 'basis' | 'reason'>): string {
  // An SLA alert is one per complaint; a churn alert one per state it was raised against.
  return a.basis === undefined ? 'alert-' + digest([a.kind, a.personId, a.at]) : 'alert-' + digest([a.kind, a.personId, 'basis', a.basis, String(a.reason.complaintId ?? '')])
}
