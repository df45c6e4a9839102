// Publishes tag changes and alerts on the changes stream and waits for JetStream to store each
// one, so the processor acks its batch only after. Each message carries an id of (person, tag,
// change, at) / (kind, person, at): a batch published twice is stored once.
import type { JetStreamClient } from '@nats-io/jetstream'
import { alertBody, alertMessageId, tagChangeBody, tagChangeMessageId } from '../../models/tags/change-message.ts'
import { alertSubject, tagChangeSubject } from '../../models/tags/change-subjects.ts'
import type { Alert, TagChange } from '../../models/tags/tag-change.ts'

export interface PublishResult {
  stored: number
  duplicates: number
}

export interface ChangePublisher {
  publishTagChanges(changes: TagChange[]): Promise<PublishResult>
  publishAlerts(alerts: Alert[]): Promise<PublishResult>
}

interface Outgoing {
  subject: string
  body: unknown
  msgID: string
}

export function changePublisher(js: JetStreamClient, opts: { timeoutMs?: number } = {}): ChangePublisher {
  const timeout = opts.timeoutMs ?? 10_000
  // All published at once and then awaited: one round trip per batch, not per change.
  const publishAll = async (out: Outgoing[]): Promise<PublishResult> => {
    const acks = await Promise.all(out.map((o) => js.publish(o.subject, JSON.stringify(o.body), { msgID: o.msgID, timeout })))
    const duplicates = acks.filter((a) => a.duplicate).length
    return { stored: acks.length - duplicates, duplicates }
  }
  return {
    publishTagChanges: (changes) => publishAll(changes.map((c) => ({ subject: tagChangeSubject(c), body: tagChangeBody(c), msgID: tagChangeMessageId(c) }))),
    publishAlerts: (alerts) => publishAll(alerts.map((a) => ({ subject: alertSubject(a), body: alertBody(a), msgID: alertMessageId(a) }))),
  }
}
