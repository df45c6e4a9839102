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
  /** Property names as JSON.stringify writes them (texts holding none are not parsed), by event kind. */
  any: string[]
  order: string[]
  complaint: string[]
  enquiry: string[]
  nps: string[]
  traits: string[]
  activity: Set<string> | null
}

// The processing worker keeps one config: its quoted names are made once, not once per row.
let last: Needles | undefined

function needlesOf(config: FeatureConfig): Needles {
  if (last?.config === config) return last
  const q = (...names: string[]) => names.map((n) => JSON.stringify(n))
  const any = q(config.categoryProperty, config.channelProperty)
  last = {
    config,
    any,
    order: [...any, ...q(config.revenueProperty, config.couponProperty)],
    complaint: [...any, ...q(config.complaintIdProperty, config.severityProperty)],
    enquiry: [...any, ...q(config.topicProperty)],
    nps: [...any, ...q(config.scoreProperty)],
    traits: q(config.traits.region, config.traits.ageBand, config.traits.plan),
    activity: config.activityEvents ? new Set(config.activityEvents) : null,
  }
  return last
}

type Json = Record<string, unknown>
const NONE: Json = {}

/** The object of a JSON text, parsed only when it may hold one of the `quoted` names (most texts hold none). */
function objectOf(text: string, quoted: string[]): Json {
  if (text.length <= 2) return NONE
  let found = false
  for (const name of quoted) {
    if (text.includes(name)) {
      found = true
      break
    }
  }
  if (!found) return NONE
  try {
    const v: unknown = JSON.parse(text)
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : NONE
  } catch {
    return NONE
  }
}

const CAMPAIGN = ['"campaign"']

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
  let channel = textOf(p[config.channelProperty])
  if (!channel) {
    const campaign = objectOf(row.context, CAMPAIGN).campaign
    if (campaign !== null && typeof campaign === 'object') channel = textOf((campaign as Json).source)
  }
  const coupon = p[config.couponProperty]
  const score = nps ? numberOf(p[config.scoreProperty]) : null
  // A filing without an id is its own complaint; a resolution without one resolves none.
  const complaintId = filed || resolved ? textOf(p[config.complaintIdProperty]) || (filed ? row.message_id : '') : ''
  return {
    source: row.source,
    messageId: row.message_id,
    keyId,
    ts: row.ts,
    receivedAt: row.received_at,
    activity: n.activity ? n.activity.has(e) : !NOT_ACTIVITY.has(row.type),
    login: e === config.loginEvent,
    order,
    amount: order ? row.revenue ?? numberOf(p[config.revenueProperty]) ?? 0 : 0,
    coupon: order && coupon !== undefined && coupon !== null && coupon !== '' && coupon !== false,
    category: textOf(p[config.categoryProperty]),
    channel,
    complaint: complaintId ? (filed ? 'filed' : 'resolved') : '',
    complaintId,
    severity: filed ? textOf(p[config.severityProperty]) : '',
    enquiry,
    topic: enquiry ? textOf(p[config.topicProperty]) : '',
    nps: score !== null && score >= 0 && score <= 10 ? score : null,
    region: textOf(t[config.traits.region]),
    ageBand: textOf(t[config.traits.ageBand]),
    plan: textOf(t[config.traits.plan]),
  }
}
