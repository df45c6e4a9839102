// Where the profile recompute's CPU part runs, and who publishes its changes: a thread of its own
// in a running Pulse (its parsing, counting, encoding and publishing every change to JetStream, with
// their garbage, were most of the main thread's profile work under load; bench/RESULTS.md), or
// the caller's thread for tests and tools.
import { Worker } from 'node:worker_threads'
import type { Alert, TagChange } from '../../models/tags/tag-change.ts'
import type { TagSettings } from '../../models/tags/tag-settings.ts'
import { ProcessingFailure } from './engine-errors.ts'
import { computeProfiles, type ComputeJob, type ComputeResult } from './profile-compute.ts'
import type { ComputeRequest, ComputeThreadSettings } from './profile-compute-worker.ts'
import { profileRules } from './profile-rules.ts'

export interface ProfileComputer {
  compute(job: ComputeJob): Promise<ComputeResult>
  /** Publishes the changes and alerts of a computed job on the changes stream. */
  publish(result: ComputeResult): Promise<void>
  close(): Promise<void>
}

export function inThreadComputer(tags: TagSettings, deadlines: Record<string, number>, publish: (changes: TagChange[], alerts: Alert[]) => Promise<void> = async () => {}): ProfileComputer {
  const rules = profileRules(tags)
  const compute = async (job: ComputeJob) => {
    try {
      return computeProfiles(rules, deadlines, job)
    } catch (err) {
      throw new ProcessingFailure(`profile compute failed: ${err instanceof Error ? err.message : String(err)}`)
    }
  }
  return { compute, publish: (r) => publish(r.changes, r.alerts), close: async () => {} }
}

type Reply = { id: number; result?: unknown; error?: string }

/** A compute thread started on first use, and again on the next job if it died. */
export class ProfileComputeThread implements ProfileComputer {
  private worker: Worker | undefined
  private readonly pending = new Map<number, { resolve(r: unknown): void; reject(e: Error): void }>()
  private nextId = 0

  constructor(private readonly settings: ComputeThreadSettings) {}

  async compute(job: ComputeJob): Promise<ComputeResult> {
    try {
      return (await this.ask({ kind: 'compute', id: this.nextId++, job })) as ComputeResult
    } catch (err) {
      throw err instanceof ProcessingFailure ? err : new ProcessingFailure(`profile compute failed: ${(err as Error).message}`)
    }
  }

  async publish(result: ComputeResult): Promise<void> {
    try {
      await this.ask({ kind: 'publish', id: this.nextId++, jobId: result.jobId })
    } catch (err) {
      // Not a ProcessingFailure unless the thread died: NATS being away is waited out.
      throw err instanceof ProcessingFailure ? err : new Error(`publishing the tag changes failed: ${(err as Error).message}`)
    }
  }

  async close(): Promise<void> {
    const w = this.worker
    this.worker = undefined
    await w?.terminate()
  }

  private ask(request: ComputeRequest): Promise<unknown> {
    const worker = this.worker ?? this.start()
    return new Promise((resolve, reject) => {
      this.pending.set(request.id, { resolve, reject })
      worker.postMessage(request)
    })
  }

  private start(): Worker {
    const w = new Worker(new URL('./profile-compute-worker.mjs', import.meta.url), { workerData: this.settings, resourceLimits: { maxYoungGenerationSizeMb: 64 } })
    w.on('message', ({ id, result, error }: Reply) => {
      const p = this.pending.get(id)
      this.pending.delete(id)
      if (error !== undefined) p?.reject(new Error(error))
      else p?.resolve(result)
    })
    const failAll = (err: Error) => {
      if (this.worker === w) this.worker = undefined
      for (const p of this.pending.values()) p.reject(err)
      this.pending.clear()
    }
    w.on('error', (err: Error) => failAll(new ProcessingFailure(`the profile compute thread failed: ${err.message}`)))
    w.on('exit', (code) => failAll(new ProcessingFailure(`the profile compute thread exited with code ${code}`)))
    this.worker = w
    return w
  }
}
