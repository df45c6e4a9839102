// The refit's worker thread: parses the purchase summaries and activity ClickHouse returned,
// fits BG/NBD and Gamma-Gamma, scores every customer and encodes the scores for the insert, so
// the main thread, which answers HTTP, only moves text and a file name.
import { parentPort } from 'node:worker_threads'
import { fitBgNbd, type BgNbdFit } from '../../models/value/bgnbd.ts'
import { scoreCustomers, type CustomerActivity, type NamedSummary, type ScoringOptions } from '../../models/value/customer-scoring.ts'
import { fitGammaGamma, type GammaGammaFit } from '../../models/value/gamma-gamma.ts'
import type { EncodedRows } from '../../sql/clickhouse-client.ts'
import { encodeScores } from '../../sql/writers/customer-scores-writer.ts'
import { writeSpoolFileSync } from '../../sql/spool-folder.ts'
import { deprioritiseThisThread } from '../runtime/batch-thread-priority.ts'

export interface LtvFitRequest {
  /** JSONCompactEachRow lines of purchase_period_summaries: customer, x, t_x, T, m. */
  summaries: string
  /** JSONCompactEachRow lines of customer_activity: customer, inactive_days, spend_recent, spend_before. */
  activity: string
  scoring: ScoringOptions
  modelVersion: string
  fittedAtMs: number
  /** Where the encoded scores go (embedded engine), or null to hand them back as bytes. */
  spoolFile: string | null
}

export interface LtvFitReply {
  customers: number
  bgnbd: BgNbdFit
  gammagamma: GammaGammaFit | null
  /** The scores, only when both fits converged. */
  rows: EncodedRows | null
  error?: string
}

deprioritiseThisThread()

function* lines(text: string): Generator<unknown[]> {
  let start = 0
  while (start < text.length) {
    let end = text.indexOf('\n', start)
    if (end < 0) end = text.length
    if (end > start) yield JSON.parse(text.slice(start, end)) as unknown[]
    start = end + 1
  }
}

function fit(req: LtvFitRequest): Omit<LtvFitReply, 'error'> {
  const customers: NamedSummary[] = []
  for (const [customer, x, tx, T, m] of lines(req.summaries)) customers.push({ customer: String(customer), x: Number(x), tx: Number(tx), T: Number(T), m: Number(m) })
  const bgnbd = fitBgNbd(customers)
  const repeat = customers.filter((c) => c.x > 0 && c.m > 0)
  const gammagamma = repeat.length ? fitGammaGamma(repeat) : null
  if (!bgnbd.converged || (gammagamma && !gammagamma.converged)) return { customers: customers.length, bgnbd, gammagamma, rows: null }
  const activity = new Map<string, CustomerActivity>()
  for (const [customer, inactive, recent, before] of lines(req.activity)) {
    activity.set(String(customer), { inactiveDays: Number(inactive), spendRecent: Number(recent), spendBefore: Number(before) })
  }
  const bytes = encodeScores(scoreCustomers(customers, bgnbd, gammagamma, req.scoring, activity), req.modelVersion, req.fittedAtMs)
  // Written like the processor's batches (private file; a failed write hands the bytes back).
  if (req.spoolFile && writeSpoolFileSync(req.spoolFile, bytes)) {
    return { customers: customers.length, bgnbd, gammagamma, rows: { file: req.spoolFile } }
  }
  return { customers: customers.length, bgnbd, gammagamma, rows: { bytes } }
}

parentPort!.once('message', (req: LtvFitRequest) => {
  try {
    const reply = fit(req)
    const transfer = reply.rows && 'bytes' in reply.rows ? [reply.rows.bytes.buffer as ArrayBuffer] : []
    parentPort!.postMessage(reply, transfer)
  } catch (err) {
    parentPort!.postMessage({ error: err instanceof Error ? (err.stack ?? err.message) : String(err) })
  }
})
