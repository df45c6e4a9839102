// The facts a batch inserts: every stored row's, none of the rows the engine refused.
import { describe, expect, it } from 'vitest'
import type { DeadLetterRow } from '../models/events/event-row.ts'
import type { EventFact } from '../models/tags/event-facts.ts'
import { batchFactLines } from '../pipelines/stream/facts-inserter.ts'
import type { ProcessedMessage } from '../pipelines/stream/processing-pool.ts'
import { factLineEvent, factLines } from '../sql/writers/feature-facts-writer.ts'

function fact(source: string, messageId: string): EventFact {
  return {
    source, messageId, keyId: 'u-1', ts: 1_780_000_000_000, receivedAt: 1_780_000_000_100, activity: true, login: false, order: false, amount: 0, coupon: false,
    category: 'a\tb', channel: '', complaint: '', complaintId: '', severity: '', enquiry: false, topic: '', nps: null, region: '', ageBand: '', plan: '',
  }
}

function processed(facts: EventFact[]): ProcessedMessage {
  return { rowCount: facts.length, deadLetters: [], facts: factLines(facts), keyIds: ['u-1'], links: [], userIds: [] }
}

function refused(source: string, messageId: string): DeadLetterRow {
  return { source, reason: 'refused_by_engine', detail: '', message_id: messageId, raw: '', received_at: 0, stream_seq: 1, position: 0 }
}

const events = (lines: string) => lines.split('\n').filter(Boolean).map((l) => factLineEvent(l))

describe('batchFactLines', () => {
  it('joins the facts of every message and leaves out those of refused rows, ids with escaped characters included', () => {
    const results = [processed([fact('web', 'm-1'), fact('web', 'odd\tid\\x')]), null, processed([fact('app', 'm-1'), fact('web', 'm-3')])]
    expect(events(batchFactLines(results, []))).toEqual([
      { source: 'web', messageId: 'm-1' }, { source: 'web', messageId: 'odd\tid\\x' }, { source: 'app', messageId: 'm-1' }, { source: 'web', messageId: 'm-3' },
    ])
    expect(events(batchFactLines(results, [refused('web', 'odd\tid\\x'), refused('app', 'm-1')]))).toEqual([{ source: 'web', messageId: 'm-1' }, { source: 'web', messageId: 'm-3' }])
  })
})
