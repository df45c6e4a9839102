// CSV fields (RFC 4180 quoting) and the formula guard for texts a spreadsheet would run.
import { describe, expect, it } from 'vitest'
import { csvField } from '../models/exports/csv-field.ts'
import { csvText } from '../pipelines/dashboards/chart-csv.ts'

describe('csvField', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['=1+1', "'=1+1"],
    ['+49 30 1234', "'+49 30 1234"],
    ['-5', "'-5"],
    ['@SUM(A1:A9)', "'@SUM(A1:A9)"],
    ['\tcmd', "'\tcmd"],
    ['=HYPERLINK("http://x","y")', '"\'=HYPERLINK(""http://x"",""y"")"'],
    ['a=b', 'a=b'],
  ])('text %j -> %j', (text, field) => {
    expect(csvField(text)).toBe(field)
  })

  it('writes numbers, booleans and missing values as they are', () => {
    expect([-5, 0.25, -1e-7, true, null, undefined].map(csvField)).toEqual(['-5', '0.25', '-1e-7', 'true', '', ''])
  })
})

describe('chart CSV', () => {
  it('guards text cells and keeps negative numbers', () => {
    expect(csvText(['tag', 'change'], [{ tag: '=cmd|calc', change: -3 }])).toBe("tag,change\r\n'=cmd|calc,-3\r\n")
  })
})
