// A transaction log file (CSV with a header, or columns named by --columns) read as purchases:
// customer, time and amount from the columns the person names. A row without them is refused
// with its line number, so nothing is silently dropped.
import { describeTime, isStorableTime } from '../../models/events/event-time.ts'
import { parseImportTime } from '../../models/events/import-rows.ts'
import type { Transaction } from '../../models/value/transaction-summary.ts'
import { tableRows } from './table-rows.ts'
import { userError } from './user-error.ts'

export interface TransactionLogColumns {
  file: string
  delimiter: string
  /** Names of the columns of a file without a header row. */
  columns?: string[]
  customerCol: string
  dateCol: string
  amountCol: string
}

export async function readTransactionLog(spec: TransactionLogColumns): Promise<Transaction[]> {
  const out: Transaction[] = []
  let names = spec.columns
  for (const col of [spec.customerCol, spec.dateCol, spec.amountCol]) {
    if (names && !names.includes(col)) throw userError(`--columns has no column "${col}" (${names.join(', ')}): name one of them`)
  }
  try {
    for await (const row of tableRows(spec.file, spec.delimiter)) {
      if (!names) {
        names = row.cells.map((c) => c.trim())
        for (const col of [spec.customerCol, spec.dateCol, spec.amountCol]) {
          if (!names.includes(col)) throw userError(`${spec.file} has no column "${col}" (its columns: ${names.join(', ')}): name one of them, or pass --columns for a file without a header row`)
        }
        continue
      }
      const cell = (col: string) => row.cells[names!.indexOf(col)] ?? ''
      const customer = cell(spec.customerCol).trim()
      const time = parseImportTime(cell(spec.dateCol), 'auto')
      const amount = Number(cell(spec.amountCol))
      if (customer && Number.isNaN(time) && cell(spec.dateCol).trim() !== '') {
        throw userError(`line ${row.line} of ${spec.file}: the date ${JSON.stringify(cell(spec.dateCol).trim())} in ${spec.dateCol} is not a day that exists (YYYYMMDD or ISO, e.g. 19970930 or 1997-09-30): fix the row`)
      }
      if (!customer || Number.isNaN(time) || !Number.isFinite(amount) || cell(spec.amountCol).trim() === '') {
        throw userError(`line ${row.line} of ${spec.file}: needs a customer, a date (YYYYMMDD or ISO) and an amount in ${spec.customerCol}, ${spec.dateCol}, ${spec.amountCol}: fix the row or the column names`)
      }
      if (!isStorableTime(time)) throw userError(`line ${row.line} of ${spec.file}: the date ${describeTime(time)} is outside 1900-2299: fix the row`)
      // A refund is not a purchase: the value models count purchase days and average order values.
      if (amount < 0) throw userError(`line ${row.line} of ${spec.file}: the amount ${amount} is negative: net refunds into the orders they refund, or leave them out`)
      out.push({ customer, time, amount })
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw userError(`cannot read ${spec.file}: check the path`)
    if ((e as NodeJS.ErrnoException).code === 'EISDIR') throw userError(`${spec.file} is a folder: give the transaction file`)
    throw e
  }
  return out
}
