// Rows of a history file -> events to backfill, or the reason a row cannot be imported. Pure: the
// caller reads the file. Historical timestamps are kept as they are; a row without an id gets one
// derived from its position and content, so importing the same file twice stores it once.
import { createHash } from 'node:crypto'
import { isPlainObject } from './json-limits.ts'
import { readNumber } from './field-coercion.ts'
import { parseTime } from './event-time.ts'

export type TimeFormat = 'auto' | 'iso' | 'yyyymmdd' | 'epoch-ms' | 'epoch-s'

export interface CsvMapping {
  /** Name of the track event each row becomes, e.g. `Order Completed`. */
  event: string
  userCol: string
  timeCol: string
  timeFormat: TimeFormat
  revenueCol?: string
  idCol?: string
}

export type ImportedRow = { ok: true; kind: 'segment' | 'posthog'; event: Record<string, unknown> } | { ok: false; reason: string; detail: string }

const reject = (reason: string, detail: string): ImportedRow => ({ ok: false, reason, detail })

/** Epoch ms of a time cell, NaN when unreadable. Times without a zone are read as UTC. */
export function parseImportTime(value: string, format: TimeFormat): number {
  const v = value.trim()
  const f = format !== 'auto' ? format : /^\d{8}$/.test(v) ? 'yyyymmdd' : /^\d{13}$/.test(v) ? 'epoch-ms' : /^\d{10}$/.test(v) ? 'epoch-s' : 'iso'
  if (f === 'yyyymmdd') {
    const m = /^(\d{4})(\d{2})(\d{2})$/.exec(v)
    if (!m) return NaN
    const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))
    return new Date(ms).getUTCDate() === Number(m[3]) ? ms : NaN
  }
  if (f === 'epoch-ms' || f === 'epoch-s') return /^\d+$/.test(v) ? Number(v) * (f === 'epoch-s' ? 1000 : 1) : NaN
  // The events' own reader: a day or an hour that does not exist (1997-02-30) is unreadable, not
  // rolled over into the next month as Date.parse would.
  return parseTime(v) ?? NaN
}

function digest(parts: string[]): string {
  return createHash('sha1').update(parts.join('\n')).digest('hex')
}

/** A UUID-shaped id from a digest (PostHog requires UUIDs); version nibble 5, RFC 4122 variant. */
function uuidFrom(hex: string): string {
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16)
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}

/** A cell as a property value: numbers stay numbers. */
function cellValue(v: string): unknown {
  const t = v.trim()
  return t !== '' && /^-?\d+(\.\d+)?$/.test(t) && !/^-?0\d/.test(t) ? Number(t) : t
}

export function csvRowToEvent(row: Record<string, string>, mapping: CsvMapping, line: number, raw: string): ImportedRow {
  const userId = (row[mapping.userCol] ?? '').trim()
  if (!userId) return reject('missing_user_id', `column "${mapping.userCol}" is empty`)
  const timeCell = row[mapping.timeCol] ?? ''
  const ms = parseImportTime(timeCell, mapping.timeFormat)
  if (Number.isNaN(ms)) return reject('invalid_timestamp', `column "${mapping.timeCol}" holds ${JSON.stringify(timeCell)}, not a ${mapping.timeFormat === 'auto' ? 'date' : mapping.timeFormat} time`)
  const properties: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(row)) if (k !== mapping.userCol && k !== mapping.timeCol && k !== mapping.idCol) properties[k] = cellValue(v)
  if (mapping.revenueCol) {
    const revenue = readNumber(row[mapping.revenueCol])
    if (revenue === null || Number.isNaN(revenue)) return reject('invalid_revenue', `column "${mapping.revenueCol}" holds ${JSON.stringify(row[mapping.revenueCol] ?? '')}, not a finite number`)
    properties.revenue = revenue
  }
  const messageId = (mapping.idCol && row[mapping.idCol]?.trim()) || `imp-${digest([mapping.event, String(line), raw])}`
  return { ok: true, kind: 'segment', event: { type: 'track', event: mapping.event, userId, messageId, timestamp: new Date(ms).toISOString(), properties } }
}

/** One NDJSON line in the Segment shape or the PostHog shape (it has `distinct_id`). */
export function ndjsonLineToEvent(text: string, line: number): ImportedRow {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (e) {
    return reject('malformed_json', `not valid JSON (${(e as Error).message.slice(0, 120)})`)
  }
  if (!isPlainObject(value)) return reject('not_an_object', 'each line must hold one JSON object')
  const id = digest([String(line), text])
  if ('distinct_id' in value || ('event' in value && !('type' in value) && isPlainObject(value.properties) && 'distinct_id' in value.properties)) {
    const distinct = value.distinct_id ?? (value.properties as Record<string, unknown>).distinct_id
    if (typeof distinct !== 'string' && typeof distinct !== 'number') return reject('missing_distinct_id', 'a PostHog event needs distinct_id')
    if (Number.isNaN(parseTime(value.timestamp))) return reject('invalid_timestamp', `timestamp ${JSON.stringify(value.timestamp)} is not an ISO-8601 date`)
    return { ok: true, kind: 'posthog', event: { ...value, uuid: typeof value.uuid === 'string' && value.uuid ? value.uuid : uuidFrom(id) } }
  }
  if (!value.userId && !value.anonymousId) return reject('missing_user_id', 'a Segment event needs userId or anonymousId')
  const ts = value.timestamp ?? value.originalTimestamp
  if (Number.isNaN(parseTime(ts))) return reject('invalid_timestamp', `timestamp ${JSON.stringify(ts)} is not an ISO-8601 date`)
  return { ok: true, kind: 'segment', event: { type: 'track', ...value, messageId: typeof value.messageId === 'string' && value.messageId ? value.messageId : `imp-${id}` } }
}
