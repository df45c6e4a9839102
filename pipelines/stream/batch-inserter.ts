// Inserting one batch's rows. The sealed batch goes first; when the engine refuses rows (a data
// error, engine-errors.ts), the batch is sent again in halves, over its messages and then over the
// rows of one message, until each refused row stands alone: it is dead-lettered with the engine's
// error (refused-rows.ts), every other row is stored. Between attempts an outage is waited out
// (engine-outage.ts). Only a refusal costs extra inserts: the fast path is one insert per batch.
import { rm } from 'node:fs/promises'
import type { JsMsg } from '@nats-io/jetstream'
import type { Logger } from 'pino'
import type { DeadLetterRow } from '../../models/events/event-row.ts'
import type { EncodedRows } from '../../sql/clickhouse-client.ts'
import { ProcessingFailure, isDataError } from './engine-errors.ts'
import { StoppedWhileWaiting, type EngineOutage } from './engine-outage.ts'
import { storedMessage } from './message-decoding.ts'
import type { ProcessedMessage, ProcessingWorker } from './processing-pool.ts'
import type { RowRange } from './processing-worker.ts'
import type { ProcessorMetrics } from './processor-metrics.ts'
import { halves, refusedRowLetter, rowsIn } from './refused-rows.ts'

export interface EventSink {
  /** Where the worker should write a batch's rows, or null to have them handed back. */
  spoolFile(): string | null
  /** Inserts a batch's encoded rows (a spooled file is removed afterwards). */
  insertEvents(rows: EncodedRows): Promise<void>
  insertDeadLetters(rows: DeadLetterRow[]): Promise<void>
  /** Inserts a batch's feature facts (sql/writers/feature-facts-writer.ts lines). */
  insertFacts(rows: EncodedRows): Promise<void>
}

export class BatchInserter {
  constructor(
    private readonly sink: EventSink,
    private readonly worker: ProcessingWorker,
    private readonly outage: EngineOutage,
    private readonly metrics: ProcessorMetrics,
    private readonly log: Logger,
    /** Messages the processor holds, for the outage log. */
    private readonly heldMessages: () => number,
  ) {}

  /** Runs an insert until it succeeds, waiting out outages; a data error is thrown. */
  async untilInserted(insert: () => Promise<void>): Promise<void> {
    for (;;) {
      try {
        await insert()
        this.outage.recovered()
        return
      } catch (err) {
        if (err instanceof StoppedWhileWaiting) throw err
        this.metrics.insertFailures.inc()
        if (isDataError(err) || err instanceof ProcessingFailure) throw err
        await this.outage.wait(err, this.heldMessages())
      }
    }
  }

  /**
   * Inserts the batch's rows, waiting out outages. When the engine refuses the rows themselves, the
   * batch is sent again in halves until each refused row stands alone: those are returned as dead
   * letters, all others are stored. `first` is the sealed batch, used for the first attempt.
   */
  async storeRows(batch: number, messages: JsMsg[], results: Array<ProcessedMessage | null>, first: EncodedRows | null): Promise<DeadLetterRow[]> {
    const whole: RowRange[] = []
    results.forEach((r, index) => {
      if (r && r.rowCount > 0) whole.push({ index, from: 0, to: r.rowCount })
    })
    const refused: DeadLetterRow[] = []
    const pending: RowRange[][] = whole.length > 0 ? [whole] : []
    let sealedRows = first
    while (pending.length > 0) {
      const piece = pending[0]
      const encoded = sealedRows
      sealedRows = null
      try {
        await this.insertPiece(batch, piece, encoded)
        pending.shift()
      } catch (err) {
        if (!isDataError(err)) throw err
        pending.shift()
        if (rowsIn(piece) > 1) {
          if (piece === whole) this.log.warn({ err: (err as Error).message.split('\n')[0], messages: messages.length }, 'ClickHouse refused rows of a batch: sending it in parts to set only those rows aside')
          pending.unshift(...halves(piece))
          continue
        }
        const range = piece[0]
        const letter = refusedRowLetter(storedMessage(messages[range.index]), results[range.index]!.deadLetters, range.from, await this.worker.line(batch, range), err)
        this.log.warn({ messageId: letter.message_id, streamSeq: letter.stream_seq, position: letter.position, detail: letter.detail }, 'event refused by ClickHouse: dead-lettered')
        refused.push(letter)
      }
    }
    return refused
  }

  /**
   * Inserts some rows of a batch (`encoded`: them already written, else the worker writes them),
   * waiting out outages; throws when the engine refuses the rows, or the worker lost them.
   */
  private async insertPiece(batch: number, piece: RowRange[], encoded: EncodedRows | null): Promise<void> {
    for (;;) {
      // An attempt uses up a spooled file: each one has the rows written again.
      const rows = encoded ?? (await this.worker.piece(batch, piece, this.sink.spoolFile())).rows!
      encoded = null
      try {
        await this.sink.insertEvents(rows)
        this.outage.recovered()
        return
      } catch (err) {
        await removeSpooled(rows)
        this.metrics.insertFailures.inc()
        if (isDataError(err)) throw err
        await this.outage.wait(err, this.heldMessages())
      }
    }
  }
}

/** A spooled file no insert got to (rm of a consumed one is a no-op). */
export async function removeSpooled(rows: EncodedRows | null): Promise<void> {
  if (rows && 'file' in rows) await rm(rows.file, { force: true })
}
