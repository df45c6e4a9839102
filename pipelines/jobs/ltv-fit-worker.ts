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
import type { ChurnCard } from '../../models/churn/churn-card.ts'
import { fitChurn, type ChurnFitRequest } from './churn-fit-step.ts'

export interface LtvFitRequest {
  /** JSONCompactEachRow lines of purchase_period_summaries: customer, x, t_x, T, m. */
  summaries: string
  /** JSONCompactEachRow lines of customer_activity: customer, inactive_days, spend_recent, spend_before. */
  activity: string
  scoring: ScoringOptions
  modelVersion: string
  fittedAtMs: number
  /** The churn fit that follows a converged value fit; null: none. */
  churn: ChurnFitRequest | null
  /** Where the encoded scores go (embedded engine), or null to hand them back as bytes. */
  spoolFile: string | null
}

export interface LtvFitReply {
  customers: number
  bgnbd: BgNbdFit
  gammagamma: GammaGammaFit | null
  /** The scores, only when both fits converged. */
  rows: EncodedRows | null
  /** The churn fit's card, or why there is none (null when no churn fit was asked or the value fit failed). */
  churn: { card: ChurnCard | null; problem: string | null; scored: number } | null
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
  if (!bgnbd.converged || (gammagamma && !gammagamma.converged)) return { customers: customers.length, bgnbd, gammagamma, rows: null, churn: null }
  const activity = new Map<string, CustomerActivity>()
  for (const [customer, inactive, recent, before] of lines(req.activity)) {
    activity.set(String(customer), { inactiveDays: Number(inactive), spendRecent: Number(recent), spendBefore: Number(before) })
  }
  const churnFit = req.churn ? fitChurn(req.churn) : null
  const churn = churnFit ? { card: churnFit.card, problem: churnFit.problem, scored: churnFit.scores?.size ?? 0 } : null
  const bytes = encodeScores(scoreCustomers(customers, bgnbd, gammagamma, req.scoring, activity), req.modelVersion, req.fittedAtMs, churnFit?.scores ?? undefined)
  // Written like the processor's batches (private file; a failed write hands the bytes back).
  if (req.spoolFile && writeSpoolFileSync(req.spoolFile, bytes)) {
    return { customers: customers.length, bgnbd, gammagamma, rows: { file: req.spoolFile }, churn }
  }
  return { customers: customers.length, bgnbd, gammagamma, rows: { bytes }, churn }
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
