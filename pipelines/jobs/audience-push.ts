// Pushes each saved audience's change set on `pulse.audiences.<name>.changed` every
// --audience-push-seconds, for the webhooks that subscribe to it (their signed, retried delivery
// reads the changes stream). Each push starts from the audience's last pushed sync, and is recorded
// only once JetStream stored every part: a push that failed half-way is computed again from the
// same sync next time (at least once; a part published twice under the same sync is kept once).
import type { ClickHouseClient } from '@clickhouse/client'
import type { JetStreamClient } from '@nats-io/jetstream'
import type { Logger } from 'pino'
import { syncCursor } from '../../ingest/api/audience-cursor.ts'
import { audienceChangeMessages } from '../../models/tags/audience-change-message.ts'
import { audienceTags } from '../../models/tags/audience-definition.ts'
import { audienceChangeSubject } from '../../models/tags/change-subjects.ts'
import { AudienceSyncs, lastPushedSeq } from '../../sql/audiences/audience-membership.ts'
import { AudienceStore } from '../../sql/audiences/audience-store.ts'
import type { Clock } from '../clock.ts'

export interface AudiencePushDeps {
  client: ClickHouseClient
  js: JetStreamClient
  clock: Clock
  log: Logger
}

export interface PushResult {
  audiences: number
  /** Audiences whose change set was not empty, and so was published. */
  pushed: number
  messages: number
}

export class AudiencePush {
  private readonly store: AudienceStore
  private readonly syncs: AudienceSyncs
  private running: Promise<PushResult> | undefined

  constructor(private readonly deps: AudiencePushDeps) {
    this.store = new AudienceStore(deps.client)
    this.syncs = new AudienceSyncs(deps.client)
  }

  /** One push of every audience; a call while one runs waits for that one. */
  run(): Promise<PushResult> {
    this.running ??= this.pushAll().finally(() => (this.running = undefined))
    return this.running
  }

  /** Resolves when no push runs. */
  async idle(): Promise<void> {
    await this.running?.catch(() => {})
  }

  private async pushAll(): Promise<PushResult> {
    const result: PushResult = { audiences: 0, pushed: 0, messages: 0 }
    for (const saved of await this.store.list()) {
      const name = saved.definition.name
      result.audiences++
      const from = await lastPushedSeq(this.deps.client, name)
      const now = this.deps.clock.now()
      await this.syncs.sync(name, audienceTags(saved.definition), from, now, Date.now(), async (changes) => {
        // Nothing moved: no message, no record; the next push starts from the same sync.
        if (changes.joined.length === 0 && changes.left.length === 0) return false
        const messages = audienceChangeMessages({
          audience: name, joined: changes.joined, left: changes.left, members: changes.members,
          cursor: from > 0 ? syncCursor(name, from) : null, nextCursor: syncCursor(name, changes.seq), seq: changes.seq, at: now,
        })
        await Promise.all(messages.map((m) => this.deps.js.publish(audienceChangeSubject(name), JSON.stringify(m.body), { msgID: m.msgID, timeout: 10_000 })))
        result.pushed++
        result.messages += messages.length
        return true
      })
    }
    return result
  }
}

/** Pushes every `seconds` (0: never); returns the stop. */
export function startAudiencePush(push: AudiencePush, seconds: number, log: Logger): () => Promise<void> {
  if (seconds <= 0) return async () => {}
  const timer = setInterval(() => {
    push.run().then(
      (r) => r.pushed > 0 && log.info(r, 'audience change sets pushed'),
      (err) => log.warn({ err: String(err) }, 'audience push failed; the next one starts from the same syncs'),
    )
  }, seconds * 1000)
  timer.unref()
  return async () => {
    clearInterval(timer)
    await push.idle()
  }
}
