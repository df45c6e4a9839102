// The profile compute thread (profile-compute-thread.ts): runs computeProfiles for the profile
// stage and the sweep, so that parsing facts, counting features, evaluating rules and encoding rows
// (and their garbage) stay off the thread that serves ingest and drives the processor.
import { parentPort, workerData } from 'node:worker_threads'
import type { TagSettings } from '../../models/tags/tag-settings.ts'
import { computeProfiles, type ComputeJob } from './profile-compute.ts'
import { profileRules } from './profile-rules.ts'

export interface ComputeThreadSettings {
  tags: TagSettings
  deadlines: Record<string, number>
}

export type ComputeRequest = { id: number; job: ComputeJob }

const settings = workerData as ComputeThreadSettings
const rules = profileRules(settings.tags)

parentPort!.on('message', ({ id, job }: ComputeRequest) => {
  try {
    parentPort!.postMessage({ id, result: computeProfiles(rules, settings.deadlines, job) })
  } catch (err) {
    parentPort!.postMessage({ id, error: err instanceof Error ? err.stack ?? err.message : String(err) })
  }
})
