// Wires the profile parts together for the composition root: the identity graph loaded from
// ClickHouse, the processor's profile stage, the tag sweep (every --tag-sweep-seconds and on
// POST /api/tags/refresh), population thresholds reloaded after each value-model refit, tag
// changes and alerts published on the changes stream, audience change sets pushed on it (every
// --audience-push-seconds), and webhook delivery from it.
import type { ClickHouseClient } from '@clickhouse/client'
import { jetstream } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/nats-core'
import type { Logger } from 'pino'
import type { ClickHouse } from '../sql/clickhouse-client.ts'
import type { ProfilesConfig } from '../models/tags/profiles-config.ts'
import { loadIdentityGraph, storeIdentityChanges } from '../sql/profiles/identity-store.ts'
import type { Clock } from './clock.ts'
import { AudiencePush, startAudiencePush } from './jobs/audience-push.ts'
import { ProfileQueue } from './jobs/profile-queue.ts'
import { TagSweep, type SweepResult } from './jobs/tag-sweep.ts'
import { startWebhookDelivery, type WebhookDelivery } from './jobs/webhook-delivery.ts'
import { CommitOrder, type RecomputeDeps } from './stream/profile-recompute.ts'
import { ProfileComputeThread } from './stream/profile-compute-thread.ts'
import { ProfileStage } from './stream/profile-stage.ts'
import { ProfileStateCache } from './stream/profile-state-cache.ts'
import { nextStateVersion } from './stream/state-version.ts'

export interface ProfileSystemDeps {
  client: ClickHouseClient
  insert: Pick<ClickHouse, 'insertTabSeparated'>
  nc: NatsConnection
  /** The compute thread publishes the changes on a connection of its own to these servers. */
  natsServers: string
  clock: Clock
  settings: ProfilesConfig
  /** 0: sweeps only on demand. */
  sweepSeconds: number
  /** 0: audience change sets are not pushed. */
  audiencePushSeconds: number
  /** The changes stream webhooks read from. */
  changesStream: string
  /** --fault-fail-profile-compute-matching. */
  failProfileComputeMatching?: string
  /** --fault-fail-tag-state-stores: called before each store of tag states, throws to fail it. */
  beforeTagStateStore?: () => void
  log: Logger
}

export interface ProfileSystem {
  stage: ProfileStage
  sweep(everyone: boolean): Promise<SweepResult>
  /** After a value-model refit: new population thresholds, and everyone re-tagged when one moved. */
  afterRefit(): Promise<void>
  /** Ends sweeps at once (a full pass stops after its page), so that the processor's last batches get their turn. */
  halt(): void
  stop(): Promise<void>
}

export async function startProfileSystem(deps: ProfileSystemDeps): Promise<ProfileSystem> {
  const { client, clock, log } = deps
  const graph = await loadIdentityGraph(client)
  log.info({ ids: graph.size, persons: graph.personCount }, 'identity graph loaded')
  const sla = deps.settings.tags.sla
  const deadlines = { major: sla.majorHours * 3_600_000, normal: sla.normalHours * 3_600_000 }
  const queue = new ProfileQueue()
  const computer = new ProfileComputeThread({ tags: deps.settings.tags, deadlines, natsServers: deps.natsServers, failMatching: deps.failProfileComputeMatching })
  const recompute: Omit<RecomputeDeps, 'thresholds'> = {
    client,
    insert: deps.insert,
    computer,
    idsOf: (person) => [...graph.idsOf(person)],
    version: () => nextStateVersion(),
    states: new ProfileStateCache(),
    commits: new CommitOrder(),
    beforeStateStore: deps.beforeTagStateStore,
  }
  const tagSweep = new TagSweep(client, recompute, deps.settings.tags.highValue.topShare)
  await tagSweep.reloadThresholds()
  const stage = new ProfileStage({
    graph,
    storeIdentity: (changes, at) => storeIdentityChanges(client, changes, at),
    recompute: { ...recompute, thresholds: () => tagSweep.currentThresholds() },
    clock,
    queue,
    log,
  })
  const sweep = (everyone: boolean) => queue.run(() => tagSweep.run(clock.now(), everyone))
  let timer: NodeJS.Timeout | undefined
  if (deps.sweepSeconds > 0) {
    timer = setInterval(() => {
      sweep(false).then(
        (r) => r.persons > 0 && log.info({ persons: r.persons, tagChanges: r.tagChanges, alerts: r.alerts, seconds: r.seconds }, 'tag sweep'),
        (err) => log.warn({ err: String(err) }, 'tag sweep failed; the next one retries'),
      )
    }, deps.sweepSeconds * 1000)
    timer.unref()
  }
  const stopAudiencePush = startAudiencePush(new AudiencePush({ client, js: jetstream(deps.nc), clock, log }), deps.audiencePushSeconds, log.child({ part: 'audiences' }))
  let webhooks: WebhookDelivery | undefined
  if (deps.settings.webhooks.length > 0) {
    webhooks = await startWebhookDelivery(deps.nc, client, deps.settings.webhooks, { stream: deps.changesStream, log: log.child({ part: 'webhooks' }) })
  }
  return {
    stage,
    sweep,
    afterRefit: () =>
      queue.run(async () => {
        if (await tagSweep.reloadThresholds()) await tagSweep.run(clock.now(), true)
      }),
    halt() {
      clearInterval(timer)
      tagSweep.stop()
      stage.halt()
    },
    async stop() {
      clearInterval(timer)
      tagSweep.stop()
      await stopAudiencePush()
      await queue.idle()
      await recompute.commits.last
      await computer.close()
      await webhooks?.stop()
    },
  }
}
