// Rolling-feature facts encoded as TabSeparated lines in FACT_COLUMNS order, for the insert into
// feature_facts_input (sql/migrations/007_feature_rollups.sql) through ClickHouse.insertTabSeparated.
// Lines, not arrays of values: one string per message is the cheapest thing to pass from the
// processing worker to the main thread (README, Rolling features).
import type { EventFact } from '../models/tags/event-facts.ts'
import type { ClickHouse, EncodedRows, TabSeparatedTarget } from './clickhouse-client.ts'

export const FACT_COLUMNS = [
  'source', 'message_id', 'key_id', 'ts', 'received_at', 'activity', 'login', 'is_order', 'amount', 'coupon', 'category', 'channel',
  'complaint', 'complaint_id', 'severity', 'enquiry', 'topic', 'nps', 'region', 'age_band', 'plan',
] as const

const FACTS_TARGET: TabSeparatedTarget = { table: 'feature_facts_input', columns: FACT_COLUMNS, fileStatement: 'insert_feature_facts_from_file' }

const SPECIAL = /[\\\t\n\r]/
const SPECIAL_ALL = /[\\\t\n\r]/g
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' }
const UNESCAPES: Record<string, string> = { '\\\\': '\\', '\\t': '\t', '\\n': '\n', '\\r': '\r' }

function text(s: string): string {
  return SPECIAL.test(s) ? s.replace(SPECIAL_ALL, (c) => ESCAPES[c]) : s
}

const flag = (b: boolean) => (b ? '1' : '0')

/** One line per fact. */
export function factLines(facts: readonly EventFact[]): string {
  let out = ''
  for (const f of facts) {
    out +=
      `${text(f.source)}\t${text(f.messageId)}\t${text(f.keyId)}\t${Math.round(f.ts)}\t${Math.round(f.receivedAt)}\t${flag(f.activity)}\t${flag(f.login)}` +
      `\t${flag(f.order)}\t${f.amount}\t${flag(f.coupon)}\t${text(f.category)}\t${text(f.channel)}\t${f.complaint}\t${text(f.complaintId)}` +
      `\t${text(f.severity)}\t${flag(f.enquiry)}\t${text(f.topic)}\t${f.nps === null ? '\\N' : f.nps}\t${text(f.region)}\t${text(f.ageBand)}\t${text(f.plan)}\n`
  }
  return out
}

/** The (source, message id) a fact line is of, unescaped. */
export function factLineEvent(line: string): { source: string; messageId: string } {
  const [source = '', messageId = ''] = line.split('\t', 2).map((s) => s.replace(/\\[\\tnr]/g, (e) => UNESCAPES[e]))
  return { source, messageId }
}

export async function insertFeatureFacts(ch: Pick<ClickHouse, 'insertTabSeparated'>, rows: EncodedRows): Promise<void> {
  await ch.insertTabSeparated(FACTS_TARGET, rows)
}
