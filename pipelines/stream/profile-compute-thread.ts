// Where the profile recompute's CPU part runs: on a thread of its own in a running Pulse (its
// parsing, counting and encoding, and their garbage collection, were a third of the main thread's
// work under load; bench/RESULTS.md), or in the caller's thread for one-off tools.
import { Worker } from 'node:worker_threads'
import type { TagSettings } from '../../models/tags/tag-settings.ts'
import { ProcessingFailure } from './engine-errors.ts'
import { computeProfiles, type ComputeJob, type ComputeResult } from './profile-compute.ts'
import type { ComputeThreadSettings } from './profile-compute-worker.ts'
import { profileRules } from './profile-rules.ts'

export interface ProfileComputer {
  compute(job: ComputeJob): Promise<ComputeResult>
  close(): Promise<void>
}

export function inThreadComputer(tags: TagSettings, deadlines: Record<string, number>): ProfileComputer {
  const rules = profileRules(tags)
  const compute = async (job: ComputeJob) => {
    try {
      return computeProfiles(rules, deadlines, job)
    } catch (err) {
      throw new ProcessingFailure(`profile compute failed: ${err instanceof Error ? err.message : String(err)}`)
    }
  }
  return { compute, close: async () => {} }
}

type Reply = { id: number; result?: ComputeResult; error?: string }

/** A compute thread started on first use, and again on the next job if it died. */
export class ProfileComputeThread implements ProfileComputer {
  private worker: Worker | undefined
  private readonly pending = new Map<number, { resolve(r: ComputeResult): void; reject(e: Error): void }>()
  private nextId = 0

  constructor(private readonly settings: ComputeThreadSettings) {}

  compute(job: ComputeJob): Promise<ComputeResult> {
    const worker = this.worker ?? this.start()
    const id = this.nextId++
    return new Promise<ComputeResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      worker.postMessage({ id, job })
    })
  }

  async close(): Promise<void> {
    const w = this.worker
    this.worker = undefined
    await w?.terminate()
  }

  private start(): Worker {
    const w = new Worker(new URL('./profile-compute-worker.mjs', import.meta.url), { workerData: this.settings, resourceLimits: { maxYoungGenerationSizeMb: 64 } })
    w.on('message', ({ id, result, error }: Reply) => {
      const p = this.pending.get(id)
      this.pending.delete(id)
      if (error !== undefined || !result) p?.reject(new ProcessingFailure(`profile compute failed: ${error}`))
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
