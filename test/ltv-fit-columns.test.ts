// `pulse ltv fit --summary` at file speed: the summary read into one Float64Array per column, the
// BG/NBD likelihood summed over grouped rows on two threads, and the estimates the same as the
// one-thread, customer-by-customer fit's (to 1e-9 relative) on CDNOW and on a larger summary.
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'csv-parse/sync'
import { afterAll, describe, expect, it } from 'vitest'
import { fitBgNbd, fitBgNbdRows, type BgNbdFit } from '../models/value/bgnbd.ts'
import { groupBgNbdRows } from '../models/value/bgnbd-rows.ts'
import { fitGammaGamma } from '../models/value/gamma-gamma.ts'
import { summarizeTransactions } from '../models/value/transaction-summary.ts'
import { writeSummaryFile } from '../bench/ltv-summary-file.ts'
import { sharedArray, startSumsThread } from '../pipelines/cli/bgnbd-sums-thread.ts'
import { runLtvFit, type LtvFitOptions } from '../pipelines/cli/ltv-fit-command.ts'
import { tempDir, waitFor } from './helpers/test-pulse.ts'

const DATA = path.resolve(import.meta.dirname, 'fixtures/cdnow')
const SUMMARY = path.join(DATA, 'cdnow_customers_summary_with_transactions.csv')
const base: LtvFitOptions = { period: 'day', unitDays: 7, delimiter: ',', json: true, months: 12, discount: 0.01 }
const dir = tempDir('ltv-fit-columns')

/** The summary file as csv-parse reads it, as objects (the way the fit read it before). */
function objects(file: string): Array<{ customer: string; x: number; tx: number; T: number; m: number }> {
  const records = parse(readFileSync(file), { columns: true, bom: true }) as Record<string, string>[]
  return records.map((r) => ({ customer: r.ID ?? r.customer, x: Number(r.x ?? r.frequency), tx: Number(r.t_x ?? r.recency), T: Number(r.T), m: Number(r.zbar ?? r.monetary_value) }))
}

function expectSameFit(fit: BgNbdFit, reference: BgNbdFit): void {
  for (const k of ['r', 'alpha', 'a', 'b', 'll'] as const) expect(Math.abs(fit[k] / reference[k] - 1)).toBeLessThan(1e-9)
  for (const k of ['r', 'alpha', 'a', 'b'] as const) expect(Math.abs(fit.se[k] / reference.se[k] - 1)).toBeLessThan(1e-6)
}

const thread = startSumsThread()
afterAll(() => thread.close())

describe('BG/NBD on grouped rows, half of them on a second thread', () => {
  it('gives the one-thread customer-by-customer estimates on CDNOW (summary and transaction log) and on 60,000 customers with shared rows', async () => {
    await waitFor(async () => thread.up(), Boolean)
    const larger = path.join(dir, 'larger.csv')
    await writeSummaryFile(larger, 60_000, 3)
    const cdnowLog = readFileSync(path.join(DATA, 'CDNOW_sample.txt'), 'utf8').trim().split('\n').map((l) => l.trim().split(/\s+/))
    const fromLog = summarizeTransactions(
      cdnowLog.map(([, id, date, , spent]) => ({ customer: id, time: Date.UTC(+date.slice(0, 4), +date.slice(4, 6) - 1, +date.slice(6)), amount: Number(spent) })),
      { calibrationEnd: Date.UTC(1997, 8, 30, 23, 59, 59, 999), periodDays: 1, unitDays: 7 },
    )
    for (const customers of [objects(SUMMARY), fromLog, objects(larger)]) {
      const rows = groupBgNbdRows(Float64Array.from(customers, (c) => c.x), Float64Array.from(customers, (c) => c.tx), Float64Array.from(customers, (c) => c.T), sharedArray)
      const before = thread.answered()
      const fit = fitBgNbdRows(rows, thread.sums(rows))
      expect(thread.answered() - before).toBeGreaterThanOrEqual(fit.iterations)
      expectSameFit(fit, fitBgNbd(customers))
    }
  })
})

describe('pulse ltv fit --summary', () => {
  it('reads the file into columns, through quotes, CRLF, a BOM, blanks and ids with quotes, with the estimates of the plain file', async () => {
    const plain = await runLtvFit({ ...base, summary: SUMMARY })
    const lines = readFileSync(SUMMARY, 'utf8').trim().split('\n')
    const awkward = lines.map((line, i) => {
      if (i === 0) return line
      const [id, x, tx, T, m] = line.split(',')
      return i % 3 === 0 ? `"id ""${id}"", one",${x},"${tx}", ${T} ,${m}` : `${id},${x},${tx},${T},${m}`
    })
    const file = path.join(dir, 'awkward.csv')
    writeFileSync(file, '\ufeff' + awkward.join('\r\n') + '\r\n\r\n')
    const result = await runLtvFit({ ...base, summary: file })
    expect(result.customers.x).toBeInstanceOf(Float64Array)
    expect(Array.from(result.customers.tx)).toEqual(Array.from(plain.customers.tx))
    expect(Array.from(result.customers.T)).toEqual(Array.from(plain.customers.T))
    expect([result.customers.customer(1), result.customers.customer(2)]).toEqual(['2', 'id "3", one'])
    expect(result.bgnbd).toEqual(plain.bgnbd)
    expect(result.gammagamma).toEqual(plain.gammagamma)
    // The same file with blanks between the columns and no header.
    const blanks = path.join(dir, 'blanks.txt')
    writeFileSync(blanks, lines.slice(1).map((l) => '  ' + l.split(',').join(' \t ')).join('\n'))
    const spaced = await runLtvFit({ ...base, summary: blanks, delimiter: 'whitespace', columns: ['ID', 'x', 't_x', 'T', 'zbar'] })
    expect(spaced.bgnbd).toEqual(plain.bgnbd)
    expect(fitGammaGamma(objects(SUMMARY)).p).toBe(plain.gammagamma!.p)
  })

  it('refuses an empty value, naming its line, and a quoted field that goes on after its quote', async () => {
    const empty = path.join(dir, 'empty.csv')
    writeFileSync(empty, 'id,frequency,recency,T,monetary\nc1,1,2,3,10\nc2,,2,3,10\n')
    await expect(runLtvFit({ ...base, summary: empty })).rejects.toThrow('line 3 of the summary: frequency (frequency or x) must be a number >= 0, got ""')
    const broken = path.join(dir, 'broken.csv')
    writeFileSync(broken, 'id,frequency,recency,T\n"c1"x,1,2,3\n')
    await expect(runLtvFit({ ...base, summary: broken })).rejects.toThrow(`${broken} cannot be read as CSV: Invalid Closing Quote: a quoted field on line 2 goes on after its closing quote: fix the file, or pass --delimiter`)
  })
})
