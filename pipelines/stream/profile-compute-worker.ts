// The profile compute thread (profile-compute-thread.ts): runs computeProfiles for the profile
// stage and the sweep, and publishes the changes of a computed job when its commit asks, on a NATS
// connection of its own, so that parsing facts, counting features, evaluating rules, encoding rows
// and publishing every change to JetStream (and their garbage) stay off the thread that serves ingest
// and drives the processor.
import { connect } from '@nats-io/transport-node'
import { parentPort, workerData } from 'node:worker_threads'
import type { Alert, TagChange } from '../../models/tags/tag-change.ts'
import type { TagSettings } from '../../models/tags/tag-settings.ts'
import { changePublisher, type ChangePublisher } from './change-publisher.ts'
import { computeProfiles, injectedFault, type ComputeJob } from './profile-compute.ts'
import { profileRules } from './profile-rules.ts'

export interface ComputeThreadSettings {
  tags: TagSettings
  deadlines: Record<string, number>
  /** The NATS servers changes are published to (comma separated); none: publishing does nothing (benchmarks). */
  natsServers?: string
  /** --fault-fail-profile-compute-matching ('' : none). */
  failMatching?: string
}

export type ComputeRequest = { kind: 'compute'; id: number; job: ComputeJob } | { kind: 'publish'; id: number; jobId: number }

/** Computed jobs whose changes wait for their commit; a job never committed falls out after this many more. */
const KEPT_JOBS = 256

const settings = workerData as ComputeThreadSettings
const rules = profileRules(settings.tags)
const unpublished = new Map<number, { changes: TagChange[]; alerts: Alert[] }>()
let publisher: Promise<ChangePublisher | null> | undefined

function publisherOf(): Promise<ChangePublisher | null> {
  publisher ??= settings.natsServers
    ? connect({ servers: settings.natsServers.split(','), name: 'pulse-profiles', maxReconnectAttempts: -1, reconnectTimeWait: 250, noAsyncTraces: true }).then((nc) => changePublisher(nc))
    : Promise.resolve(null)
  // A failed connect is tried again by the next publish.
  publisher.catch(() => (publisher = undefined))
  return publisher
}

async function handle(request: ComputeRequest): Promise<unknown> {
  if (request.kind === 'compute') {
    injectedFault(request.job, settings.failMatching)
    const result = computeProfiles(rules, settings.deadlines, request.job)
    unpublished.set(request.job.jobId, { changes: result.changes, alerts: result.alerts })
    if (unpublished.size > KEPT_JOBS) unpublished.delete(unpublished.keys().next().value!)
    return result
  }
  const out = unpublished.get(request.jobId)
  if (!out) throw new Error(`job ${request.jobId} is not waiting to be published`)
  const p = await publisherOf()
  if (p) {
    await p.publishTagChanges(out.changes)
    await p.publishAlerts(out.alerts)
  }
  unpublished.delete(request.jobId)
  return true
}

parentPort!.on('message', (request: ComputeRequest) => {
  handle(request).then(
    (result) => parentPort!.postMessage({ id: request.id, result }),
    (err: unknown) => parentPort!.postMessage({ id: request.id, error: err instanceof Error ? err.stack ?? err.message : String(err) }),
  )
})
