// `pulse churn fit` on the CDNOW sample: trained on nothing after the calibration end, its scores
// beat BG/NBD's on the same split (the figures of both printed side by side); changing any
// transaction after the calibration end changes no score; and the command's wiring and refusals.
import { execFile } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import { parse } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'
import { averagePrecision, brierScore, rocAuc } from '../models/churn/classification-metrics.ts'
import { asOfTime } from '../models/value/as-of-time.ts'
import { bgnbdConditionalExpected, fitBgNbd } from '../models/value/bgnbd.ts'
import { bgnbdNoPurchaseProbability } from '../models/value/bgnbd-no-purchase.ts'
import { summarizeTransactions } from '../models/value/transaction-summary.ts'
import { runChurnFit, type ChurnFitOptions } from '../pipelines/cli/churn-fit-command.ts'
import { tempDir } from './helpers/test-pulse.ts'

const CDNOW = path.resolve(import.meta.dirname, 'fixtures/cdnow/CDNOW_sample.txt')
const COLUMNS = ['master_id', 'id', 'date', 'cds', 'spent']
const base: ChurnFitOptions = {
  transactions: CDNOW, delimiter: 'whitespace', columns: COLUMNS, customerCol: 'id', dateCol: 'date', amountCol: 'spent',
  calibrationEnd: '1997-09-30', horizonDays: 273, json: true,
}
const lines = readFileSync(CDNOW, 'utf8').trim().split('\n').map((l) => l.trim().split(/\s+/))
const afterEnd = (cells: string[]) => cells[2] > '19970930'

function scoresOf(file: string): Map<string, number> {
  const rows = parse(readFileSync(file, 'utf8'), { columns: true }) as { customer: string; churn_probability: string }[]
  return new Map(rows.map((r) => [r.customer, Number(r.churn_probability)]))
}

const write = (file: string, rows: string[][]) => writeFileSync(file, rows.map((r) => r.join(' ')).join('\n') + '\n')

describe('pulse churn fit on CDNOW', () => {
  it('beats BG/NBD on the 1997-09-30 split: AUC at least 0.005 higher, Brier lower', async () => {
    const dir = tempDir('churn-fit')
    // The model sees a copy of the log cut at the calibration end: no later transaction exists for it.
    const calibration = path.join(dir, 'calibration.txt')
    write(calibration, lines.filter((c) => !afterEnd(c)))
    const predict = path.join(dir, 'scores.csv')
    const result = await runChurnFit({ ...base, transactions: calibration, predict })
    expect(result.problems).toEqual([])
    const scores = scoresOf(predict)

    // Truth from the whole log: churned = no purchase from 1997-10-01 to 1998-06-30 (273 days).
    const bought = new Set(lines.filter((c) => c[2] >= '19971001' && c[2] <= '19980630').map((c) => c[1]))
    const transactions = lines.map((c) => ({ customer: c[1], time: Date.UTC(+c[2].slice(0, 4), +c[2].slice(4, 6) - 1, +c[2].slice(6)), amount: Number(c[4]) }))
    // BG/NBD on the same split, in weeks (273 days = 39 weeks), fitted here on its own.
    const summaries = summarizeTransactions(transactions, { calibrationEnd: asOfTime('1997-09-30'), periodDays: 1, unitDays: 7 })
    expect([...scores.keys()].sort()).toEqual(summaries.map((s) => s.customer).sort())
    const bg = fitBgNbd(summaries)
    const labels: number[] = summaries.map((s) => (bought.has(s.customer) ? 0 : 1))
    const model = summaries.map((s) => scores.get(s.customer)!)
    const bgExpected = summaries.map((s) => bgnbdConditionalExpected(s, 39, bg))
    const bgNoPurchase = summaries.map((s) => bgnbdNoPurchaseProbability(s, 39, bg))
    const figures = {
      'churn model': { AUC: rocAuc(model, labels), 'PR-AUC': averagePrecision(model, labels), Brier: brierScore(model, labels) },
      'BG/NBD': { AUC: rocAuc(bgExpected.map((e) => -e), labels), 'PR-AUC': averagePrecision(bgNoPurchase, labels), Brier: brierScore(bgNoPurchase, labels) },
    }
    console.log(`CDNOW sample, ${labels.length} customers, churn rate ${(labels.reduce((s, y) => s + y, 0) / labels.length).toFixed(3)} (BG/NBD AUC from expected purchases, Brier and PR-AUC from P(no purchase))`)
    const shown: Record<string, Record<string, string>> = {}
    for (const [name, metrics] of Object.entries(figures)) shown[name] = { AUC: metrics.AUC.toFixed(4), 'PR-AUC': metrics['PR-AUC'].toFixed(4), Brier: metrics.Brier.toFixed(4) }
    console.table(shown)
    expect(figures['churn model'].AUC).toBeGreaterThanOrEqual(figures['BG/NBD'].AUC + 0.005)
    expect(figures['churn model'].Brier).toBeLessThan(figures['BG/NBD'].Brier)
  })

  it('gives the same scores and card whatever the transactions after the calibration end are', async () => {
    const dir = tempDir('churn-leakage')
    const ids = [...new Set(lines.map((c) => c[1]))]
    const later = lines.filter(afterEnd).length
    expect(later).toBeGreaterThan(0)
    // Every later transaction moved by 1 to 400 days (still after the end), its amount changed and
    // given to another customer; and a customer who only buys later.
    const shifted = lines.map((c, i) => {
      if (!afterEnd(c)) return c
      const d = new Date(Date.UTC(+c[2].slice(0, 4), +c[2].slice(4, 6) - 1, +c[2].slice(6)) + (1 + ((i * 37) % 400)) * 86_400_000)
      return [c[0], ids[(i * 7919) % ids.length], d.toISOString().slice(0, 10).replaceAll('-', ''), c[3], String(Number(c[4]) * 3 + 1)]
    })
    shifted.push(['99999', 'newcomer', '19971015', '1', '12.00'])
    const variants = { original: lines, shifted, cut: lines.filter((c) => !afterEnd(c)) }
    const runs: Record<string, { scores: string; card: string }> = {}
    for (const [name, rows] of Object.entries(variants)) {
      const file = path.join(dir, `${name}.txt`)
      write(file, rows)
      const predict = path.join(dir, `${name}.csv`)
      const { card } = await runChurnFit({ ...base, transactions: file, predict })
      runs[name] = { scores: readFileSync(predict, 'utf8'), card: JSON.stringify(card) }
    }
    expect(runs.shifted).toEqual(runs.original)
    expect(runs.cut).toEqual(runs.original)

    // The comparison can see a change: one purchase of the calibration period a week earlier moves scores.
    const moved = lines.map((c) => (c[1] === '0001' && c[2] === '19970118' ? [...c.slice(0, 2), '19970111', ...c.slice(3)] : c))
    const file = path.join(dir, 'moved.txt')
    write(file, moved)
    await runChurnFit({ ...base, transactions: file, predict: path.join(dir, 'moved.csv') })
    expect(readFileSync(path.join(dir, 'moved.csv'), 'utf8')).not.toBe(runs.original.scores)
  })
})

describe('transaction files pulse churn fit refuses, naming the line', () => {
  const dir = tempDir('churn-fit-bad-rows')
  const fit = (rows: string, extra: Partial<ChurnFitOptions> = {}) => {
    const file = path.join(dir, `t${Math.random().toString(36).slice(2)}.csv`)
    writeFileSync(file, `customer,date,amount\na,1997-01-01,10\n${rows}`)
    return runChurnFit({ transactions: file, delimiter: ',', customerCol: 'customer', dateCol: 'date', amountCol: 'amount', calibrationEnd: '1997-09-30', horizonDays: 30, json: false, ...extra }).then(
      () => 'accepted',
      (e: Error) => e.message,
    )
  }

  it('a day that does not exist, a date outside 1900-2299, a negative amount', async () => {
    expect(await fit('a,1997-02-30,5\n')).toMatch(/^line 3 of .*: the date "1997-02-30" in date is not a day that exists/)
    expect(await fit('a,19970230,5\n')).toMatch(/^line 3 of .*: the date "19970230" in date is not a day that exists/)
    expect(await fit('a,99990203,5\n')).toMatch(/^line 3 of .*: the date 9999-02-03T00:00:00.000Z is outside 1900-2299/)
    expect(await fit('a,1997-02-03,-5\n')).toMatch(/^line 3 of .*: the amount -5 is negative/)
  })

  it('a horizon more than twice the history before the calibration end', async () => {
    expect(await fit('b,1997-09-01,5\n', { horizonDays: 547 })).toMatch(/^--horizon-days 547 is more than twice the 273 days of history up to 1997-09-30/)
  })
})

describe('the pulse churn fit command', () => {
  const run = promisify(execFile)
  const cli = path.resolve(import.meta.dirname, '../pipelines/pulse.mjs')
  const args = ['churn', 'fit', '--transactions', CDNOW, '--delimiter', 'whitespace', '--columns', COLUMNS.join(','), '--customer-col', 'id', '--date-col', 'date', '--amount-col', 'spent']

  it('prints the quality card as JSON', async () => {
    const { stdout } = await run(process.execPath, [cli, ...args, '--calibration-end', '1997-09-30', '--horizon-days', '273', '--json'])
    const card = JSON.parse(stdout)
    expect(card.converged).toBe(true)
    expect(card.training.rows).toBe(card.training.cutoffs.reduce((s: number, c: { rows: number }) => s + c.rows, 0))
    expect(card.backtest.model.lift).toHaveLength(10)
    expect(card.backtest.model.calibration).toHaveLength(10)
    expect(card.coefficients.map((c: { feature: string }) => c.feature)).toContain('bgnbd_p_alive')
  })

  it('refuses a missing horizon, a date that does not exist and an unknown column in one line', async () => {
    const failure = (extra: string[]) => run(process.execPath, [cli, ...args, ...extra]).then(() => ({ code: 0, stderr: '' }), (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr.trim() }))
    const [missing, date, column] = await Promise.all([
      failure(['--calibration-end', '1997-09-30']),
      failure(['--calibration-end', '1997-02-30', '--horizon-days', '30']),
      failure(['--calibration-end', '1997-09-30', '--horizon-days', '30', '--amount-col', 'price']),
    ])
    expect(missing).toEqual({ code: 1, stderr: expect.stringMatching(/^pulse: pass --transactions .*--horizon-days N$/) })
    expect(date).toEqual({ code: 1, stderr: 'pulse: --calibration-end "1997-02-30" must be a date that exists, like 1997-09-30' })
    expect(column).toEqual({ code: 1, stderr: expect.stringMatching(/^pulse: --columns has no column "price"/) })
  })
})
