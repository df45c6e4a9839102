// The data behind a chart as an RFC 4180 CSV file with a header row, in the columns given.
import { csvField, type CsvValue } from '../../models/exports/csv-field.ts'

export type CsvRow = { [column: string]: string | number | boolean | null }

export function csvText(columns: readonly string[], rows: readonly CsvRow[]): string {
  const line = (values: CsvValue[]) => values.map(csvField).join(',')
  const body = rows.map((r) => line(columns.map((c) => r[c])))
  return [line([...columns]), ...body].join('\r\n') + '\r\n'
}
