// Publishes tag changes and alerts on the changes stream and waits for JetStream to store each
// one, so the processor acks its batch only after. Each message carries an id of (person, tag,
// change, at) / (kind, person, at): a batch published twice is stored once.
// A batch is published as JetStream's asynchronous publish works underneath: every message goes
// out with a reply subject under one inbox of this publisher, and the stream's acknowledgements
// come back there, one subscription for all of them. A request per message (js.publish) costs a
// timer, a promise race and a discarded error object each: at tens of thousands of changes a second
// that garbage was a quarter of the profile thread's work.
import { createInbox, headers, type Msg, type NatsConnection } from '@nats-io/nats-core'
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

/** The acknowledgements a published batch still waits for. */
class PendingBatch {
  left: number
  stored = 0
  duplicates = 0
  constructor(
    size: number,
    readonly done: (err: Error | null) => void,
  ) {
    this.left = size
  }
}

/** JetStream's answer to a publish: `{ stream, seq, duplicate? }`, or `{ error: { code, description } }`. */
interface PubAck {
  stream?: string
  duplicate?: boolean
  error?: { code?: number; description?: string }
}

/** Changes published before their acknowledgements are awaited. */
const CHUNK = 5000

export function changePublisher(nc: NatsConnection, opts: { timeoutMs?: number } = {}): ChangePublisher {
  const timeout = opts.timeoutMs ?? 10_000
  const inbox = createInbox()
  const waiting = new Map<number, PendingBatch>()
  let next = 0
  const settle = (batch: PendingBatch, err: Error | null) => {
    batch.left = -1
    batch.done(err)
  }
  nc.subscribe(`${inbox}.*`, {
    callback: (err, msg: Msg) => {
      if (err) return
      const token = Number(msg.subject.slice(inbox.length + 1))
      const batch = waiting.get(token)
      waiting.delete(token)
      if (!batch || batch.left < 0) return
      // A 503 status with no body: no stream listens on the subject.
      if (msg.data.length === 0) return settle(batch, new Error(`no JetStream stream stores ${msg.headers?.code === 503 ? 'the changes subjects' : 'this change'} (status ${msg.headers?.code ?? 'none'})`))
      let ack: PubAck
      try {
        ack = msg.json<PubAck>()
      } catch {
        return settle(batch, new Error('JetStream answered a change with something other than JSON'))
      }
      if (ack.error || !ack.stream) return settle(batch, new Error(`JetStream refused a change: ${ack.error?.description ?? 'invalid acknowledgement'}`))
      if (ack.duplicate) batch.duplicates++
      else batch.stored++
      if (--batch.left === 0) settle(batch, null)
    },
  })
  // A chunk is published at once and then awaited: one round trip per chunk, not per change.
  const publishChunk = (out: Outgoing[]): Promise<PublishResult> => {
    if (out.length === 0) return Promise.resolve({ stored: 0, duplicates: 0 })
    return new Promise<PublishResult>((resolve, reject) => {
      const tokens: number[] = []
      const timer = setTimeout(() => settle(batch, new Error(`JetStream did not acknowledge ${batch.left} of ${out.length} changes within ${timeout} ms`)), timeout)
      const batch = new PendingBatch(out.length, (err) => {
        clearTimeout(timer)
        for (const t of tokens) waiting.delete(t)
        if (err) reject(err)
        else resolve({ stored: batch.stored, duplicates: batch.duplicates })
      })
      try {
        // One set of headers for all: publish encodes them at once.
        const h = headers()
        for (const o of out) {
          const token = next++
          tokens.push(token)
          waiting.set(token, batch)
          h.set('Nats-Msg-Id', o.msgID)
          nc.publish(o.subject, JSON.stringify(o.body), { headers: h, reply: `${inbox}.${token}` })
        }
      } catch (err) {
        settle(batch, err instanceof Error ? err : new Error(String(err)))
      }
    })
  }
  // Chunks one after another, each with its own timeout: a batch of 500,000 changes published at
  // once held the event loop for seconds and could not be acknowledged within one timeout.
  const publishAll = async (out: Outgoing[]): Promise<PublishResult> => {
    const total = { stored: 0, duplicates: 0 }
    for (let i = 0; i < out.length; i += CHUNK) {
      const r = await publishChunk(out.slice(i, i + CHUNK))
      total.stored += r.stored
      total.duplicates += r.duplicates
    }
    return total
  }
  return {
    publishTagChanges: (changes) => publishAll(changes.map((c) => ({ subject: tagChangeSubject(c), body: tagChangeBody(c), msgID: tagChangeMessageId(c) }))),
    publishAlerts: (alerts) => publishAll(alerts.map((a) => ({ subject: alertSubject(a), body: alertBody(a), msgID: alertMessageId(a) }))),
  }
}
