// `pulse ltv fit` on files: the summary and the transaction log of CDNOW give the published fit,
// and --predict writes a finite score for every customer.
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'
import { runLtvFit, type LtvFitOptions } from '../pipelines/cli/ltv-fit-command.ts'
import { tempDir } from './helpers/test-pulse.ts'

const DATA = path.resolve(import.meta.dirname, 'fixtures/cdnow')
const base: LtvFitOptions = { period: 'day', unitDays: 7, delimiter: ',', json: true, months: 12, discount: 0.01 }

describe('pulse ltv fit', () => {
  it('fits the summary file to the published parameters', async () => {
    const { bgnbd, gammagamma, customers } = await runLtvFit({ ...base, summary: path.join(DATA, 'cdnow_customers_summary_with_transactions.csv') })
    expect(customers).toHaveLength(2357)
    expect([bgnbd.r, bgnbd.alpha, bgnbd.a, bgnbd.b].map((v) => v.toFixed(3))).toEqual(['0.243', '4.414', '0.793', '2.426'])
    expect([gammagamma!.p, gammagamma!.q].map((v) => v.toFixed(2))).toEqual(['6.25', '3.74'])
  })

  it('summarises the transaction log first, and writes finite predictions for every customer', async () => {
    const predict = path.join(tempDir('ltv-fit'), 'predictions.csv')
    const { bgnbd } = await runLtvFit({
      ...base,
      transactions: path.join(DATA, 'CDNOW_sample.txt'),
      delimiter: 'whitespace',
      columns: ['master_id', 'id', 'date', 'cds', 'spent'],
      customerCol: 'id',
      dateCol: 'date',
      amountCol: 'spent',
      calibrationEnd: '1997-09-30',
      predict,
      horizon: 39,
    })
    expect(Math.abs(bgnbd.ll - -9582.4)).toBeLessThan(0.1)
    const lines = readFileSync(predict, 'utf8').trim().split('\n')
    expect(lines[0]).toBe('id,frequency,recency,T,monetary,expected_purchases,p_alive,expected_spend,clv')
    expect(lines).toHaveLength(2358)
    for (const line of lines.slice(1)) {
      const cells = line.split(',').slice(1).map(Number)
      expect(cells.every((v) => Number.isFinite(v))).toBe(true)
    }
    const first = lines.find((l) => l.startsWith('0001,'))!.split(',')
    expect(Number(first[5])).toBeCloseTo(1.226, 2)
  })

  it('writes predictions as RFC 4180 CSV, whatever the customer ids hold', async () => {
    const dir = tempDir('ltv-fit-csv')
    const ids = ['plain', 'with,comma', 'with "quotes"', 'back\\slash "and", both', 'two\nlines', 'cr\rlf']
    // The CDNOW summary with some ids replaced by awkward ones.
    const source = readFileSync(path.join(DATA, 'cdnow_customers_summary_with_transactions.csv'), 'utf8').trim().split('\n')
    const header = source[0].split(',')
    const rows = source.slice(1).map((line, i) => {
      const cells = line.split(',')
      cells[header.indexOf('ID')] = i < ids.length ? `"${ids[i].replaceAll('"', '""')}"` : cells[header.indexOf('ID')]
      return cells.join(',')
    })
    const summary = path.join(dir, 'summary.csv')
    writeFileSync(summary, [source[0], ...rows].join('\n') + '\n')
    const predict = path.join(dir, 'predictions.csv')
    await runLtvFit({ ...base, summary, predict, horizon: 39 })
    const records = parse(readFileSync(predict, 'utf8'), { columns: true }) as Record<string, string>[]
    expect(records).toHaveLength(rows.length)
    expect(records.slice(0, ids.length).map((r) => r.id)).toEqual(ids)
  })

  it('says what is missing', async () => {
    await expect(runLtvFit(base)).rejects.toThrow(/--summary FILE or --transactions FILE/)
    await expect(runLtvFit({ ...base, transactions: path.join(DATA, 'CDNOW_sample.txt') })).rejects.toThrow(/--customer-col/)
    await expect(runLtvFit({ ...base, summary: path.join(DATA, 'missing.csv') })).rejects.toThrow(/cannot read/)
  })
})
