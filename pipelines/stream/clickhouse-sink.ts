// The processor's sink on ClickHouse, with the insert faults the fault tests switch on.
import type { ClickHouse } from '../../sql/clickhouse-client.ts'
import { insertDeadLetters, insertEvents } from '../../sql/event-writer.ts'
import type { FaultConfig } from '../config.ts'
import type { EventSink } from './stream-processor.ts'

export function clickHouseSink(ch: ClickHouse, faults: FaultConfig): EventSink {
  let failuresLeft = faults.failInserts
  return {
    spoolFile: () => ch.spoolFile(),
    async insertEvents(rows) {
      if (failuresLeft > 0) {
        failuresLeft--
        throw new Error('injected fault: ClickHouse insert refused')
      }
      await insertEvents(ch, rows)
    },
    insertDeadLetters: (rows) => insertDeadLetters(ch.client, rows),
  }
}
