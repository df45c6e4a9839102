// The profile compute thread (profile-compute-thread.ts): runs computeProfiles for the profile
// stage and the sweep, so that parsing facts, counting features, evaluating rules and encoding rows
// (and their garbage) stay off the thread that serves ingest and drives the processor.
import { parentPort, workerData } from 'node:worker_threads'
import type { TagSettings } from '../../models/tags/tag-settings.ts'
import { computeProfiles, injectedFault, type ComputeJob } from './profile-compute.ts'
import { profileRules } from './profile-rules.ts'

export interface ComputeThreadSettings {
  tags: TagSettings
  deadlines: Record<string, number>
  /** --fault-fail-profile-compute-matching ('' : none). */
  failMatching?: string
}

export type ComputeRequest = { id: number; job: ComputeJob }

const settings = workerData as ComputeThreadSettings
const rules = profileRules(settings.tags)

parentPort!.on('message', ({ id, job }: ComputeRequest) => {
  try {
    injectedFault(job, settings.failMatching)
    parentPort!.postMessage({ id, result: computeProfiles(rules, settings.deadlines, job) })
  } catch (err) {
    parentPort!.postMessage({ id, error: err instanceof Error ? err.stack ?? err.message : String(err) })
  }
})
