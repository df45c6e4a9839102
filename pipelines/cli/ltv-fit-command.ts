// `pulse ltv fit`: BG/NBD and Gamma-Gamma fitted on a file, no server needed: a summary CSV
// (id, frequency|x, recency|t_x, T[, monetary|zbar]) or a transaction log summarised first.
// Prints the parameters with standard errors and log-likelihoods (or JSON), and with --predict
// writes each customer's expected purchases, P(alive), expected spend and discounted CLV.
import { createWriteStream, statSync } from 'node:fs'
import { asOfTime } from '../../models/value/as-of-time.ts'
import { bgnbdConditionalExpected, bgnbdPAlive, fitBgNbdRows, type BgNbdFit } from '../../models/value/bgnbd.ts'
import { groupBgNbdRows } from '../../models/value/bgnbd-rows.ts'
import { DAYS_PER_MONTH, discountedClv } from '../../models/value/clv.ts'
import { fitGammaGammaColumns, gammaGammaExpectedSpend, type GammaGammaFit } from '../../models/value/gamma-gamma.ts'
import { parseImportTime } from '../../models/events/import-rows.ts'
import { summarizeTransactions, type Transaction } from '../../models/value/transaction-summary.ts'
import { sharedArray, startSumsThread, type SumsThread } from './bgnbd-sums-thread.ts'
import { csvField } from '../../models/exports/csv-field.ts'
import { formatTable } from './row-printing.ts'
import { readSummaryColumns, summaryColumnsOf, type SummaryColumns } from './summary-columns.ts'
import { userError } from './user-error.ts'
import { tableRows } from './table-rows.ts'

export interface LtvFitOptions {
  summary?: string
  transactions?: string
  customerCol?: string
  dateCol?: string
  amountCol?: string
  calibrationEnd?: string
  period: 'day' | 'week'
  unitDays: number
  delimiter: string
  columns?: string[]
  json: boolean
  predict?: string
  horizon?: number
  months: number
  discount: number
}

export interface LtvFitResult {
  customers: SummaryColumns
  bgnbd: BgNbdFit
  gammagamma: GammaGammaFit | null
  seconds: number
  /** Why the fit is not usable (not converged, not identifiable); empty when it is. */
  problems: string[]
}

interface TableRecord {
  /** 1-based line in the file. */
  line: number
  cells: Record<string, string>
}

/** A table file as objects keyed by header (or by --columns for a file without one). */
async function readTable(file: string, delimiter: string, columns?: string[]): Promise<TableRecord[]> {
  const out: TableRecord[] = []
  let names = columns
  try {
    for await (const row of tableRows(file, delimiter)) {
      if (!names) {
        names = row.cells.map((c) => c.trim())
        continue
      }
      const record: Record<string, string> = {}
      names.forEach((n, i) => (record[n] = row.cells[i] ?? ''))
      out.push({ line: row.line, cells: record })
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw userError(`cannot read ${file}: check the path`)
    if ((e as NodeJS.ErrnoException).code === 'EISDIR') throw userError(`${file} is a folder: give the file to fit on`)
    throw e
  }
  return out
}

async function summariesFrom(opts: LtvFitOptions): Promise<SummaryColumns> {
  if (opts.summary) return readSummaryColumns(opts.summary, opts.delimiter, opts.columns)
  if (!opts.transactions) throw userError('pass --summary FILE or --transactions FILE (with --customer-col, --date-col, --amount-col and --calibration-end)')
  const { customerCol, dateCol, amountCol, calibrationEnd } = opts
  if (!customerCol || !dateCol || !amountCol || !calibrationEnd) throw userError('--transactions needs --customer-col, --date-col, --amount-col and --calibration-end YYYY-MM-DD')
  // The calibration period ends with the last moment of its end date.
  const end = asOfTime(calibrationEnd)
  if (Number.isNaN(end)) throw userError(`--calibration-end "${calibrationEnd}" must be a date that exists, like 1997-09-30`)
  const rows = await readTable(opts.transactions, opts.delimiter, opts.columns)
  const transactions: Transaction[] = rows.map(({ line, cells: r }) => {
    const time = parseImportTime(r[dateCol] ?? '', 'auto')
    const amount = Number(r[amountCol])
    if (!r[customerCol] || Number.isNaN(time) || !Number.isFinite(amount)) throw userError(`line ${line} of ${opts.transactions}: needs a customer, a date and an amount in ${customerCol}, ${dateCol}, ${amountCol}`)
    return { customer: r[customerCol].trim(), time, amount }
  })
  return summaryColumnsOf(summarizeTransactions(transactions, { calibrationEnd: end, periodDays: opts.period === 'week' ? 7 : 1, unitDays: opts.unitDays }))
}

// A second thread for the BG/NBD likelihood pays off from about this many distinct rows; it is
// started before the file is read (so it boots meanwhile) when the file is large enough to hold them.
const THREAD_FROM_ROWS = 50_000
const THREAD_FROM_BYTES = 2_000_000

export async function runLtvFit(opts: LtvFitOptions): Promise<LtvFitResult> {
  if (opts.predict && !(opts.horizon && opts.horizon > 0)) throw userError('--predict needs --horizon N (time units ahead, e.g. 39 weeks)')
  const thread = opts.summary && (statSync(opts.summary, { throwIfNoEntry: false })?.size ?? 0) >= THREAD_FROM_BYTES ? startSumsThread() : null
  try {
    return await fit(opts, thread)
  } finally {
    await thread?.close()
  }
}

async function fit(opts: LtvFitOptions, thread: SumsThread | null): Promise<LtvFitResult> {
  const customers = await summariesFrom(opts)
  if (customers.length === 0) throw userError('the file holds no customers')
  const started = performance.now()
  const rows = groupBgNbdRows(customers.x, customers.tx, customers.T, thread ? sharedArray : undefined)
  const bgnbd = fitBgNbdRows(rows, thread && rows.count >= THREAD_FROM_ROWS ? thread.sums(rows) : undefined)
  const { repeat, distinctSpends } = repeatCustomers(customers)
  // Gamma-Gamma's spread across customers needs customers that differ: with one repeat customer
  // (or identical mean spends) the likelihood grows without bound as p and q do.
  const identifiable = distinctSpends >= 2
  const gammagamma = identifiable ? fitGammaGammaColumns(customers.x, customers.m) : null
  const seconds = (performance.now() - started) / 1000
  const problems = [...(customers.x.some((x) => x > 0) ? [] : ['BG/NBD is not identifiable: no customer bought again']), ...fitProblems(bgnbd, gammagamma, repeat > 0 && !identifiable)]
  if (opts.predict && problems.length === 0) await writePredictions(opts, customers, bgnbd, gammagamma)
  return { customers, bgnbd, gammagamma, seconds, problems }
}

/** Customers with repeat purchases and a positive mean spend, and how many distinct spends they have (0, 1 or 2: enough to tell). */
function repeatCustomers({ x, m }: SummaryColumns): { repeat: number; distinctSpends: number } {
  let repeat = 0
  let first = NaN
  let distinctSpends = 0
  for (let i = 0; i < x.length; i++) {
    if (!(x[i] > 0 && m[i] > 0)) continue
    repeat++
    if (distinctSpends === 0) (first = m[i]), (distinctSpends = 1)
    else if (distinctSpends === 1 && m[i] !== first) distinctSpends = 2
  }
  return { repeat, distinctSpends }
}

function fitProblems(bg: BgNbdFit, gg: GammaGammaFit | null, ggNotIdentifiable: boolean): string[] {
  const problems: string[] = []
  if (!bg.converged || ![bg.r, bg.alpha, bg.a, bg.b, bg.ll].every(Number.isFinite)) problems.push('BG/NBD did not converge')
  if (ggNotIdentifiable) problems.push('Gamma-Gamma is not identifiable: it needs at least two repeat customers with different mean spends')
  else if (gg && (!gg.converged || ![gg.p, gg.q, gg.gamma, gg.ll].every(Number.isFinite))) problems.push('Gamma-Gamma did not converge')
  return problems
}

/** Throws, after the fit is printed, when the fit is not usable (so the exit status says so). */
export function assertFitUsable(result: LtvFitResult, opts: LtvFitOptions): void {
  if (result.problems.length === 0) return
  throw userError(`the fit on ${result.customers.length.toLocaleString('en-US')} customers is not usable (${result.problems.join('; ')})${opts.predict ? ', so no predictions were written' : ''}: fit on more customers (more of them buying again), or a longer period`)
}

async function writePredictions(opts: LtvFitOptions, customers: SummaryColumns, bg: BgNbdFit, gg: GammaGammaFit | null): Promise<void> {
  const out = createWriteStream(opts.predict!)
  // A missing folder or a folder given as the file: say which, instead of an unhandled stream error.
  const opened = new Promise<void>((resolve, reject) => {
    out.once('ready', () => resolve())
    out.once('error', (e: NodeJS.ErrnoException) => reject(userError(`--predict ${opts.predict}: cannot write there (${e.code === 'EISDIR' ? 'it is a folder' : e.code === 'ENOENT' ? 'its folder does not exist' : e.code ?? e.message}): give a file path in a folder that exists`)))
  })
  await opened
  const num = (v: number) => (Number.isFinite(v) ? String(Math.round(v * 1e6) / 1e6) : '')
  out.write('id,frequency,recency,T,monetary,expected_purchases,p_alive,expected_spend,clv\n')
  for (let i = 0; i < customers.length; i++) {
    const c = { x: customers.x[i], tx: customers.tx[i], T: customers.T[i], m: customers.m[i] }
    const spend = gg && gg.q > 1 ? gammaGammaExpectedSpend(c, gg) : NaN
    const clv = Number.isFinite(spend) ? discountedClv(c, bg, spend, { months: opts.months, monthlyDiscount: opts.discount, unitsPerMonth: DAYS_PER_MONTH / opts.unitDays }) : NaN
    const row = [c.x, c.tx, c.T, c.m, bgnbdConditionalExpected(c, opts.horizon!, bg), bgnbdPAlive(c, bg), spend, clv].map(num)
    out.write(`${csvField(customers.customer(i))},${row.join(',')}\n`)
  }
  await new Promise((r) => out.end(r))
}

export function printLtvFit(result: LtvFitResult, opts: LtvFitOptions): void {
  const { bgnbd: bg, gammagamma: gg } = result
  if (opts.json) {
    const json = {
      customers: result.customers.length,
      bgnbd: { r: bg.r, alpha: bg.alpha, a: bg.a, b: bg.b, ll: bg.ll, se: bg.se },
      gammagamma: gg ? { p: gg.p, q: gg.q, v: gg.gamma, ll: gg.ll, converged: gg.converged } : null,
      converged: result.problems.length === 0,
      problems: result.problems,
    }
    console.log(JSON.stringify(json))
    return
  }
  // A standard error is NaN when the Hessian is singular (a parameter the data do not identify).
  const f = (v: number) => (Number.isFinite(v) ? v.toFixed(4) : 'n/a')
  const repeat = result.customers.x.reduce((n, x) => (x > 0 ? n + 1 : n), 0)
  console.log(`${result.customers.length.toLocaleString('en-US')} customers, ${repeat.toLocaleString('en-US')} with repeat purchases; fitted in ${result.seconds.toFixed(2)} s`)
  console.log(`\nBG/NBD (log-likelihood ${bg.ll.toFixed(2)}${bg.converged ? '' : ', NOT converged'})\n` + formatTable(['r', 'alpha', 'a', 'b'].map((k) => ({ parameter: k, value: f(bg[k as 'r']), se: f(bg.se[k as 'r']) }))))
  if (!gg && repeat > 0) console.log('\nGamma-Gamma: not identifiable on these repeat customers (no spend model)')
  if (gg) console.log(`\nGamma-Gamma on the repeat customers (log-likelihood ${gg.ll.toFixed(2)}${gg.converged ? '' : ', NOT converged'})\n` + formatTable([{ parameter: 'p', value: f(gg.p) }, { parameter: 'q', value: f(gg.q) }, { parameter: 'v (gamma)', value: f(gg.gamma) }]))
  if (opts.predict && result.problems.length === 0) console.log(`\npredictions: ${opts.predict}`)
}
