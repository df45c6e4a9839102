// `pulse ltv fit --summary`: numbers a CSV does not hold as decimals, fractional repeat purchases,
// and rows wider than the header are refused with the line named, not read as some other number.
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { readSummaryColumns } from '../pipelines/cli/summary-columns.ts'
import { tempDir } from './helpers/test-pulse.ts'

const dir = tempDir('summary-scanner-refusals')

function summaryWithThirdLine(name: string, line: string): string {
  const file = path.join(dir, name)
  writeFileSync(file, `ID,frequency,recency,T\n1,2,30.43,38.86\n${line}\n3,0,0,38.86\n`)
  return file
}

describe('the summary scanner refuses what is not a decimal number or does not fit the header', () => {
  const cases: Array<[string, string]> = [
    ['hex', '2,0x10,1.71,38.86'],
    ['binary', '2,0b11,1.71,38.86'],
    ['octal', '2,0o7,1.71,38.86'],
    ['one column more than the header', '2,1,1.71,38.86,5'],
    ['a fraction of a repeat purchase', '2,1.5,1.71,38.86'],
  ]
  for (const [what, line] of cases) {
    it(`${what}: ${line}`, () => {
      expect(() => readSummaryColumns(summaryWithThirdLine(what.replace(/\W+/g, '-') + '.csv', line), ',')).toThrow(/line 3/)
    })
  }
  it('a header without a recency or T column is named as a header problem, before any row', () => {
    const file = path.join(dir, 'one-column.csv')
    writeFileSync(file, 'frequency\n1\n2\n')
    expect(() => readSummaryColumns(file, ',')).toThrow(/header|column/i)
  })
})
