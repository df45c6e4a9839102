// `pulse churn fit`: the churn model trained on a transaction log up to the calibration end, no
// server needed. Prints its quality card (or JSON) and with --predict writes every customer's
// probability of no purchase in the horizon after the calibration end.
import { createWriteStream } from 'node:fs'
import { buildChurnCard, type ChurnCard, type ScoreQuality } from '../../models/churn/churn-card.ts'
import type { ChurnScoring } from '../../models/churn/churn-training.ts'
import { dayOf, purchaseHistories } from '../../models/churn/purchase-history.ts'
import { asOfTime } from '../../models/value/as-of-time.ts'
import { csvField } from '../../models/exports/csv-field.ts'
import { formatTable } from './row-printing.ts'
import { readTransactionLog } from './transaction-log.ts'
import { userError } from './user-error.ts'

export interface ChurnFitOptions {
  transactions?: string
  customerCol?: string
  dateCol?: string
  amountCol?: string
  calibrationEnd?: string
  horizonDays?: number
  stepDays?: number
  delimiter: string
  columns?: string[]
  json: boolean
  predict?: string
}

export interface ChurnFitResult {
  card: ChurnCard
  scoring: ChurnScoring
  /** Why the model is not usable (the regression did not converge); empty when it is. */
  problems: string[]
}

export async function runChurnFit(opts: ChurnFitOptions): Promise<ChurnFitResult> {
  const { transactions, customerCol, dateCol, amountCol, calibrationEnd, horizonDays } = opts
  if (!transactions || !customerCol || !dateCol || !amountCol || !calibrationEnd || !horizonDays) {
    throw userError('pass --transactions FILE --customer-col C --date-col D --amount-col A --calibration-end YYYY-MM-DD --horizon-days N')
  }
  const end = asOfTime(calibrationEnd)
  if (Number.isNaN(end) || !/^\d{4}-\d{2}-\d{2}$/.test(calibrationEnd)) throw userError(`--calibration-end "${calibrationEnd}" must be a date that exists, like 1997-09-30`)
  const log = await readTransactionLog({ file: transactions, delimiter: opts.delimiter, columns: opts.columns, customerCol, dateCol, amountCol })
  const calibrationEndDay = dayOf(end)
  // Nothing after the calibration end goes further than this line.
  const histories = purchaseHistories(log, calibrationEndDay)
  if (histories.length === 0) throw userError(`${transactions} holds no purchase on or before ${calibrationEnd}: pick a later --calibration-end`)
  // Training windows are at most the history before the calibration end; past twice that, the
  // scores would rest on the anchoring alone (README, churn model).
  const historyDays = calibrationEndDay - histories.reduce((first, h) => Math.min(first, h.days[0]), calibrationEndDay) + 1
  if (horizonDays > 2 * historyDays) {
    throw userError(`--horizon-days ${horizonDays} is more than twice the ${historyDays} days of history up to ${calibrationEnd}: no training window comes near it; pick at most ${2 * historyDays} days, or a later --calibration-end`)
  }
  const built = buildChurnCard(histories, { calibrationEndDay, horizonDays, stepDays: opts.stepDays })
  if ('problem' in built) throw userError(`cannot train the churn model: ${built.problem}: pick a later --calibration-end or a smaller --step-days`)
  const problems = built.card.training.converged ? [] : ['the logistic regression did not converge']
  if (opts.predict && problems.length === 0) await writeScores(opts.predict, built.scoring)
  return { ...built, problems }
}

export function assertChurnFitUsable(result: ChurnFitResult, opts: ChurnFitOptions): void {
  if (result.problems.length === 0) return
  throw userError(`the churn model is not usable (${result.problems.join('; ')})${opts.predict ? ', so no scores were written' : ''}: train on more customers or a longer history`)
}

async function writeScores(file: string, scoring: ChurnScoring): Promise<void> {
  const out = createWriteStream(file)
  await new Promise<void>((resolve, reject) => {
    out.once('ready', () => resolve())
    out.once('error', (e: NodeJS.ErrnoException) => reject(userError(`--predict ${file}: cannot write there (${e.code === 'EISDIR' ? 'it is a folder' : e.code === 'ENOENT' ? 'its folder does not exist' : e.code ?? e.message}): give a file path in a folder that exists`)))
  })
  out.write('customer,churn_probability\n')
  scoring.customers.forEach((c, i) => out.write(`${csvField(c)},${scoring.probabilities[i]}\n`))
  await new Promise((r) => out.end(r))
}

const f3 = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : 'n/a')
const f4 = (v: number) => (Number.isFinite(v) ? v.toFixed(4) : 'n/a')

function qualityLines(title: string, q: ScoreQuality): string {
  return `${title}: ${q.rows.toLocaleString('en-US')} rows, churn rate ${f3(q.churnRate)}, AUC ${f4(q.auc)}, PR-AUC ${f4(q.prAuc)}, Brier ${f4(q.brier)}`
}

export function printChurnFit(result: ChurnFitResult, opts: ChurnFitOptions): void {
  const { card } = result
  if (opts.json) {
    console.log(JSON.stringify({ ...card, converged: result.problems.length === 0, problems: result.problems }))
    return
  }
  printChurnCard(card)
  if (opts.predict && result.problems.length === 0) console.log(`\nscores: ${opts.predict}`)
}

/** A churn model's quality card as text: training, quality in sample and on the backtest, lift, calibration, coefficients. */
export function printChurnCard(card: ChurnCard): void {
  const t = card.training
  const meaning = card.label === 'activity' ? 'no activity event and no purchase' : 'no purchase'
  console.log(`churn = ${meaning} in the ${card.horizonDays} days after ${card.calibrationEnd}; ${card.scoring.customers.toLocaleString('en-US')} customers scored, mean probability ${f3(card.scoring.meanProbability)}`)
  console.log(`training: ${t.rows.toLocaleString('en-US')} rows from ${t.cutoffs.length} cutoffs ${card.stepDays} days apart; history from ${t.historyFrom}, labels ${t.labelsFrom} to ${t.to}; L2 ${t.l2}, ${t.converged ? `converged in ${t.iterations} Newton steps` : 'NOT converged'}`)
  if (t.skippedCutoffs.length) console.log(`cutoffs left out (BG/NBD cannot be fitted there): ${t.skippedCutoffs.join(', ')}`)
  if (card.scoring.anchoredToBgNbd) console.log(`the horizon is longer than every training window: mean set to BG/NBD's (log-odds shift ${f3(card.scoring.levelShift)})`)
  console.log('\n' + formatTable(t.cutoffs.map((c) => ({ cutoff: c.cutoff, window_days: c.windowDays, customers: c.rows, churned: c.churned }))))
  console.log('\n' + qualityLines('in sample', card.inSample))
  const b = card.backtest
  if (b) {
    console.log(qualityLines(`backtest at ${b.cutoff} (window ${b.windowDays} days, trained on ${b.trainingRows.toLocaleString('en-US')} earlier rows)`, b.model))
    console.log(`  BG/NBD on the same rows: AUC ${f4(b.bgnbd.auc)} (expected purchases), Brier ${f4(b.bgnbd.brier)} (P(no purchase))`)
    console.log('\nlift by decile (backtest)\n' + formatTable(b.model.lift.map((d) => ({ decile: d.decile, customers: d.customers, churned: d.churned, rate: f3(d.rate), lift: f3(d.lift), cumulative_capture: f3(d.cumulativeCapture) }))))
    console.log('\ncalibration (backtest)\n' + formatTable(b.model.calibration.map((c) => ({ predicted: `${c.from.toFixed(1)}-${c.to.toFixed(1)}`, customers: c.customers, mean_predicted: f3(c.meanPredicted), observed: f3(c.observedRate) }))))
  } else {
    console.log('backtest: none (too little history before the last cutoff)')
  }
  console.log(`\ncoefficients (intercept ${f4(card.intercept)})\n` + formatTable(card.coefficients.map((c) => ({ feature: c.feature, standardised: f4(c.standardised), per_unit: c.perUnit.toPrecision(4) }))))
}
