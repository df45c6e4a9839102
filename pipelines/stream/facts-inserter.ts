// A batch's feature facts go to ClickHouse after its events and before its ack, so a batch acked
// has its facts stored, and a batch redelivered stores them again without counting twice (the
// rollup's states are sets: sql/migrations/007_feature_rollups.sql). The facts of rows the engine
// refused are left out: those events are not stored, they wait in the dead letters for a replay,
// which makes their facts then.
import type { DeadLetterRow } from '../../models/events/event-row.ts'
import { factLineEvent } from '../../sql/writers/feature-facts-writer.ts'
import type { EventSink } from './batch-inserter.ts'
import type { ProcessedMessage } from './processing-pool.ts'

/** The fact lines of the batch's stored rows. */
export function batchFactLines(results: ReadonlyArray<ProcessedMessage | null>, refused: readonly DeadLetterRow[]): string {
  let lines = ''
  for (const r of results) if (r?.facts) lines += r.facts
  if (refused.length === 0 || lines === '') return lines
  const out = new Set(refused.map((d) => `${d.source}\n${d.message_id}`))
  return lines
    .split('\n')
    .filter((line) => {
      if (line === '') return false
      const { source, messageId } = factLineEvent(line)
      return !out.has(`${source}\n${messageId}`)
    })
    .map((line) => line + '\n')
    .join('')
}

/** Inserts the fact lines of the batch's stored rows (batchFactLines; nothing when there are none). */
export async function insertBatchFacts(sink: Pick<EventSink, 'insertFacts'>, lines: string): Promise<void> {
  if (lines !== '') await sink.insertFacts({ bytes: Buffer.from(lines) })
}
