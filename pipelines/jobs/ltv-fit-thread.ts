// Runs one refit's fitting and scoring on a worker thread of its own (ltv-fit-worker.ts) and
// ends the thread afterwards: a refit is rare, and its memory goes with the thread.
import { Worker } from 'node:worker_threads'
import type { LtvFitReply, LtvFitRequest } from './ltv-fit-worker.ts'

export function fitOnWorkerThread(request: LtvFitRequest): Promise<Omit<LtvFitReply, 'error'>> {
  const worker = new Worker(new URL('./ltv-fit-worker.mjs', import.meta.url))
  return new Promise<Omit<LtvFitReply, 'error'>>((resolve, reject) => {
    worker.once('message', (reply: LtvFitReply) => (reply.error !== undefined ? reject(new Error(`customer-value fit failed: ${reply.error}`)) : resolve(reply)))
    worker.once('error', reject)
    worker.once('exit', (code) => reject(new Error(`customer-value fit thread exited with code ${code} before answering`)))
    worker.postMessage(request)
  }).finally(() => void worker.terminate())
}
