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

// Most facts carry nothing past their flags (no order, category, complaint, trait, ...): their
// line ends in this fixed text, written once instead of field by field.
const BARE_TAIL = '0\t0\t0\t\t\t\t\t\t0\t\t\\N\t\t\t\n'

const bare = (f: EventFact) =>
  !f.order && !f.enquiry && f.nps === null && f.category === '' && f.channel === '' && f.complaint === '' && f.region === '' && f.ageBand === '' && f.plan === ''

/** The line of a fact none of whose texts needs escaping. */
function plainFactLine(f: EventFact): string {
  const head = `${f.source}\t${f.messageId}\t${f.keyId}\t${tsText.of(f.ts)}\t${receivedText.of(f.receivedAt)}\t${f.activity ? 1 : 0}\t${f.login ? 1 : 0}\t`
  if (bare(f)) return head + BARE_TAIL
  return (
    head +
    `${f.order ? 1 : 0}\t${f.amount}\t${f.coupon ? 1 : 0}\t${f.category}\t${f.channel}\t${f.complaint}\t${f.complaintId}` +
    `\t${f.severity}\t${f.enquiry ? 1 : 0}\t${f.topic}\t${f.nps === null ? '\\N' : f.nps}\t${f.region}\t${f.ageBand}\t${f.plan}\n`
  )
}

/**
 * One line per fact. `escapeFreeSource`: no text of the facts can hold a backslash, tab or line
 * break (as for event-writer.ts eventLines: they all come from a request that holds none).
 */
export function factLines(facts: readonly EventFact[], escapeFreeSource = false): string {
  let out = ''
  if (escapeFreeSource) {
    for (const f of facts) out += plainFactLine(f)
    return out
  }
  for (const f of facts) {
    out +=
      `${text(f.source)}\t${text(f.messageId)}\t${text(f.keyId)}\t${tsText.of(f.ts)}\t${receivedText.of(f.receivedAt)}\t${flag(f.activity)}\t${flag(f.login)}` +
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
