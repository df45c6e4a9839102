// Rolling-feature facts encoded as TabSeparated lines in FACT_COLUMNS order, for the insert into
// feature_facts_input (sql/migrations/007_feature_rollups.sql) through ClickHouse.insertTabSeparated.
// Lines, not arrays of values: one string per message is the cheapest thing to pass from the
// processing worker to the main thread (README, Rolling features).
import type { EventFact } from '../../models/tags/event-facts.ts'
import type { ClickHouse, EncodedRows, TabSeparatedTarget } from '../clickhouse-client.ts'

export const FACT_COLUMNS = ['source', 'message_id', 'key_id', 'ts', 'received_at', 'flags', 'detail'] as const

export const FACTS_TARGET: TabSeparatedTarget = { table: 'feature_facts_input', columns: FACT_COLUMNS, fileStatement: 'insert_feature_facts_from_file', settings: { optimize_on_insert: 0 } }

const SPECIAL = /[\\\t\n\r]/
const SPECIAL_ALL = /[\\\t\n\r]/g
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' }
const UNESCAPES: Record<string, string> = { '\\\\': '\\', '\\t': '\t', '\\n': '\n', '\\r': '\r' }

function text(s: string): string {
  return SPECIAL.test(s) ? s.replace(SPECIAL_ALL, (c) => ESCAPES[c]) : s
}

/** Remembers the last time written: within one message the receive time, and often the event time, repeat. */
class MsText {
  private last = NaN
  private text = ''
  of(ms: number): string {
    if (ms !== this.last) {
      this.last = ms
      this.text = String(Math.round(ms))
    }
    return this.text
  }
}

const tsText = new MsText()
const receivedText = new MsText()

/** The flags column: bits 1 activity, 2 login, 4 order, 8 coupon, 16 enquiry. */
function flagsOf(f: EventFact): number {
  return (f.activity ? 1 : 0) | (f.login ? 2 : 0) | (f.order ? 4 : 0) | (f.coupon ? 8 : 0) | (f.enquiry ? 16 : 0)
}

/**
 * The detail column: '' for the many facts that carry nothing past their flags, else a JSON array
 * in the order the materialized view reads it (sql/migrations/007_feature_rollups.sql).
 */
function detailOf(f: EventFact): string {
  if (!f.order && f.nps === null && f.category === '' && f.channel === '' && f.complaint === '' && f.topic === '' && f.region === '' && f.ageBand === '' && f.plan === '') return ''
  return JSON.stringify([f.amount, f.category, f.channel, f.complaint, f.complaintId, f.severity, f.topic, f.nps, f.region, f.ageBand, f.plan])
}

/**
 * One line per fact. `escapeFreeSource`: no text of the facts can hold a backslash, tab, line
 * break or quote, so neither the fields nor the detail's JSON need escaping (as for event-writer.ts
 * eventLines: they all come from a request that holds no backslash).
 */
export function factLines(facts: readonly EventFact[], escapeFreeSource = false): string {
  let out = ''
  if (escapeFreeSource) {
    for (const f of facts) out += `${f.source}\t${f.messageId}\t${f.keyId}\t${tsText.of(f.ts)}\t${receivedText.of(f.receivedAt)}\t${flagsOf(f)}\t${detailOf(f)}\n`
    return out
  }
  for (const f of facts) {
    out += `${text(f.source)}\t${text(f.messageId)}\t${text(f.keyId)}\t${tsText.of(f.ts)}\t${receivedText.of(f.receivedAt)}\t${flagsOf(f)}\t${text(detailOf(f))}\n`
  }
  return out
}

/** A field of a fact line as it was before the writer escaped it. */
export function unescapedField(field: string): string {
  return field.includes('\\') ? field.replace(/\\[\\tnr]/g, (e) => UNESCAPES[e]) : field
}

/** The (source, message id) a fact line is of, unescaped. */
export function factLineEvent(line: string): { source: string; messageId: string } {
  const [source = '', messageId = ''] = line.split('\t', 2).map(unescapedField)
  return { source, messageId }
}

export async function insertFeatureFacts(ch: Pick<ClickHouse, 'insertTabSeparated'>, rows: EncodedRows): Promise<void> {
  await ch.insertTabSeparated(FACTS_TARGET, rows)
}
