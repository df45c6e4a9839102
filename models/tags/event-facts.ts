// A stored event reduced to what the rolling features read (models/tags/person-features.ts): who,
// when, which kind of event, and the few property values the features count. Which events and
// properties mean what comes from the FeatureConfig.
import type { EventRow } from '../events/event-row.ts'
import { keyIdOf } from '../identity/event-ids.ts'
import type { FeatureConfig } from './feature-config.ts'

export type ComplaintStep = '' | 'filed' | 'resolved'

export interface EventFact {
  source: string
  messageId: string
  /** keyIdOf the row: the id the rollups file the fact under. */
  keyId: string
  /** Event time and receive time, ms since epoch. */
  ts: number
  receivedAt: number
  activity: boolean
  login: boolean
  order: boolean
  /** Order amount (0 when not an order or none given). */
  amount: number
  coupon: boolean
  category: string
  channel: string
  complaint: ComplaintStep
  complaintId: string
  severity: string
  enquiry: boolean
  topic: string
  /** NPS score 0-10 of an NPS event, else null. */
  nps: number | null
  region: string
  ageBand: string
  plan: string
}

/** Calls that only name or link a person: not activity when the config lists no activity events. */
const NOT_ACTIVITY = new Set(['identify', 'alias', 'group'])

interface Needles {
  config: FeatureConfig
  /**
   * Whether a JSON text may hold one of the property names, by event kind: texts holding none are
   * not parsed. One pattern of alternatives runs several times faster than a search per name.
   */
  any: RegExp
  order: RegExp
  complaint: RegExp
  enquiry: RegExp
  nps: RegExp
  traits: RegExp
  activity: Set<string> | null
}

// The processing worker keeps one config: its patterns are made once, not once per row.
let last: Needles | undefined

/** Matches any of the names as JSON.stringify writes a key. */
function keyPattern(names: string[]): RegExp {
  return new RegExp(names.map((n) => JSON.stringify(n).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'))
}

function needlesOf(config: FeatureConfig): Needles {
  if (last?.config === config) return last
  const any = [config.categoryProperty, config.channelProperty]
  last = {
    config,
    any: keyPattern(any),
    order: keyPattern([...any, config.revenueProperty, config.couponProperty]),
    complaint: keyPattern([...any, config.complaintIdProperty, config.severityProperty]),
    enquiry: keyPattern([...any, config.topicProperty]),
    nps: keyPattern([...any, config.scoreProperty]),
    traits: keyPattern([config.traits.region, config.traits.ageBand, config.traits.plan]),
    activity: config.activityEvents ? new Set(config.activityEvents) : null,
  }
  return last
}

type Json = Record<string, unknown>
const NONE: Json = {}

/** The object of a JSON text, parsed only when it may hold one of the names (most texts hold none). */
function objectOf(text: string, names: RegExp): Json {
  if (text.length <= 2 || !names.test(text)) return NONE
  try {
    const v: unknown = JSON.parse(text)
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : NONE
  } catch {
    return NONE
  }
}

const CAMPAIGN = /"campaign"/

/** A property as text: strings as sent, finite numbers and booleans written out, anything else ''. */
function textOf(v: unknown): string {
  if (typeof v === 'string') return v
  if ((typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean') return String(v)
  return ''
}

/** A number, or a string that is one (`"19.90"`); null otherwise. */
function numberOf(v: unknown): number | null {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN
  return Number.isFinite(n) ? n : null
}

export function factOf(row: EventRow, config: FeatureConfig): EventFact | null {
  const keyId = keyIdOf(row)
  if (!keyId) return null
  const n = needlesOf(config)
  const e = row.event
  const order = e === config.orderEvent
  const filed = e === config.complaintFiledEvent
  const resolved = e === config.complaintResolvedEvent
  const enquiry = e === config.enquiryEvent
  const nps = e === config.npsEvent
  const p = objectOf(row.properties, order ? n.order : filed || resolved ? n.complaint : enquiry ? n.enquiry : nps ? n.nps : n.any)
  // The traits column holds identify traits, Segment's context.traits and PostHog's $set.
  const t = objectOf(row.traits, n.traits)
  // Most rows hold none of the properties: their fields are left empty without reading any.
  const read = p !== NONE
  const traits = t !== NONE
  let channel = read ? textOf(p[config.channelProperty]) : ''
  if (!channel) {
    const context = objectOf(row.context, CAMPAIGN)
    const campaign = context === NONE ? undefined : context.campaign
    if (campaign !== null && typeof campaign === 'object') channel = textOf((campaign as Json).source)
  }
  const coupon = order && read ? p[config.couponProperty] : undefined
  const score = nps && read ? numberOf(p[config.scoreProperty]) : null
  // A filing without an id is its own complaint; a resolution without one resolves none.
  const complaintId = filed || resolved ? (read ? textOf(p[config.complaintIdProperty]) : '') || (filed ? row.message_id : '') : ''
  return {
    source: row.source,
    messageId: row.message_id,
    keyId,
    ts: row.ts,
    receivedAt: row.received_at,
    activity: n.activity ? n.activity.has(e) : !NOT_ACTIVITY.has(row.type),
    login: e === config.loginEvent,
    order,
    amount: order ? row.revenue ?? (read ? numberOf(p[config.revenueProperty]) : null) ?? 0 : 0,
    coupon: coupon !== undefined && coupon !== null && coupon !== '' && coupon !== false,
    category: read ? textOf(p[config.categoryProperty]) : '',
    channel,
    complaint: complaintId ? (filed ? 'filed' : 'resolved') : '',
    complaintId,
    severity: filed && read ? textOf(p[config.severityProperty]) : '',
    enquiry,
    topic: enquiry && read ? textOf(p[config.topicProperty]) : '',
    nps: score !== null && score >= 0 && score <= 10 ? score : null,
    region: traits ? textOf(t[config.traits.region]) : '',
    ageBand: traits ? textOf(t[config.traits.ageBand]) : '',
    plan: traits ? textOf(t[config.traits.plan]) : '',
  }
}
