// bench/analytics's data: N events of M persons over a year, written straight as the TabSeparated
// rows the processor inserts (sql/writers/event-writer.ts), with the simulator's event names and
// properties (models/simulation): page views from a channel, logins, purchase journeys that stop at
// some step (Product Viewed with its category, Product Added, Checkout Started, Payment Info
// Entered, Order Completed with revenue and sometimes a coupon), emptied carts, sign-ups that link
// the anonymous id to a user id (a second device's anonymous id for some), and a few bots that
// view products all day. Not the simulator itself: it draws a lifetime per person and 67 events
// for each on average; here the counts are set so that the total is exactly N.
import type { EventRow } from '../models/events/event-row.ts'
import { SeededRandom } from '../models/simulation/seeded-random.ts'
import { CHANNELS, DEFAULT_PARAMS, JOURNEY_STEPS } from '../models/simulation/simulation-params.ts'

const DAY = 86_400_000
const MINUTE = 60_000
const CATEGORIES = [...DEFAULT_PARAMS.categories.courses, ...DEFAULT_PARAMS.categories.services]
/** From Product Viewed on (the journey's steps after the browse step). */
const JOURNEY = JOURNEY_STEPS.slice(1)
const CONVERSION = DEFAULT_PARAMS.stepConversion.slice(1)

export interface AnalyticsDataOptions {
  events: number
  persons: number
  startMs: number
  days: number
  seed: number
  /** Persons among `persons` that send `botEvents` events each, most of them Product Viewed. */
  bots: number
  botEvents: number
}

export interface PersonIdRow {
  id: string
  person_id: string
  identified: number
  person_created_at: string
  version: number
}

/** Events per person, adding up to exactly `events` (bots first), each at least 1. */
export function eventCounts(o: AnalyticsDataOptions, rng: SeededRandom): Uint32Array {
  const counts = new Uint32Array(o.persons)
  const bots = Math.min(o.bots, o.persons)
  for (let i = 0; i < bots; i++) counts[i] = o.botEvents
  const rest = o.events - bots * o.botEvents - (o.persons - bots)
  if (rest < 0) throw new Error(`${o.events} events are too few for ${o.persons} persons and ${bots} bots of ${o.botEvents} events`)
  const weights = new Float64Array(o.persons)
  let total = 0
  for (let i = bots; i < o.persons; i++) total += weights[i] = rng.gamma(1.5, 1)
  let carry = 0
  let given = 0
  for (let i = bots; i < o.persons; i++) {
    const exact = (weights[i] / total) * rest + carry
    const whole = i === o.persons - 1 ? rest - given : Math.floor(exact)
    carry = exact - whole
    given += whole
    counts[i] = 1 + whole
  }
  return counts
}

interface Person {
  index: number
  anonymousId: string
  secondDevice: string
  userId: string
  channel: string
  category: string
}

class PersonEvents {
  readonly rows: EventRow[] = []
  private userId = ''
  private anonymousId: string

  constructor(private readonly p: Person, private readonly nextId: () => string, private readonly limit: number) {
    this.anonymousId = p.anonymousId
  }

  get full(): boolean {
    return this.rows.length >= this.limit
  }

  useDevice(anonymousId: string): void {
    this.anonymousId = anonymousId
  }

  signUp(): void {
    this.userId = this.p.userId
  }

  get signedUp(): boolean {
    return this.userId !== ''
  }

  add(type: EventRow['type'], event: string, ts: number, properties: Record<string, unknown>, revenue: number | null = null, url = ''): void {
    if (this.full) return
    this.rows.push({
      source: 'bench', message_id: this.nextId(), type, event, anonymous_id: this.anonymousId, user_id: this.userId, distinct_id: '',
      group_id: '', previous_id: '', session_id: '', ts, original_ts: ts - 400, sent_at: ts, received_at: ts + 400,
      properties: JSON.stringify(properties), traits: '{}', context: '{"library":{"name":"bench","version":"1"}}', revenue,
      currency: revenue === null ? '' : 'EUR', url, ip: '', library: 'bench', library_version: '1', warnings: [],
    })
  }
}

function session(e: PersonEvents, p: Person, rng: SeededRandom, at: number): void {
  let t = at
  const tick = () => (t += MINUTE + Math.floor(rng.uniform() * 4 * MINUTE))
  const url = `https://app.example.com/services?utm_medium=${p.channel}`
  e.add('page', '$pageview', t, { url, category: p.category, channel: p.channel }, null, url)
  if (rng.chance(0.3)) e.add('page', '$pageview', tick(), { url, category: p.category, channel: p.channel }, null, url)
  if (e.signedUp && rng.chance(0.6)) e.add('track', 'Logged In', tick(), { method: rng.chance(0.7) ? 'password' : 'sso' })
  if (!rng.chance(0.7)) return
  const journeyId = `j-${p.index}-${Math.floor(at / MINUTE)}`
  const service = `${p.category}-${rng.int(1, 12)}`
  const common = { journey_id: journeyId, service_id: service, category: p.category, channel: p.channel }
  let reached = 0
  e.add('track', JOURNEY[0], tick(), common)
  while (reached < CONVERSION.length && rng.chance(CONVERSION[reached])) {
    reached++
    const step = JOURNEY[reached]
    if (step !== 'Order Completed') e.add('track', step, tick(), common)
    else {
      const revenue = Math.round(rng.gamma(6, 0.12) * 100) / 100 + 1
      const coupon = rng.chance(0.2)
      e.add('track', step, tick(), { ...common, order_id: `o-${journeyId}`, revenue, currency: 'EUR', ...(coupon ? { coupon: 'SAVE10' } : {}) }, revenue)
    }
  }
  if (reached >= 1 && reached < CONVERSION.length && rng.chance(0.25)) e.add('track', 'Cart Emptied', tick(), common)
}

/** One person's events, in time order, up to `count`. */
function personEvents(o: AnalyticsDataOptions, p: Person, count: number, bot: boolean, rng: SeededRandom, nextId: () => string): EventRow[] {
  const e = new PersonEvents(p, nextId, count)
  const end = o.startMs + o.days * DAY
  if (bot) {
    // A crawler: product pages around the clock over the whole year.
    const step = Math.floor((o.days * DAY) / count)
    for (let n = 0; n < count; n++) {
      const t = o.startMs + n * step + Math.floor(rng.uniform() * step)
      if (rng.chance(0.8)) e.add('track', JOURNEY[0], t, { category: CATEGORIES[n % CATEGORIES.length], channel: 'direct', service_id: `s-${n % 97}` })
      else e.add('page', '$pageview', t, { url: 'https://app.example.com/', channel: 'direct' }, null, 'https://app.example.com/')
    }
    return e.rows
  }
  const first = o.startMs + Math.floor(rng.uniform() * o.days * 0.9 * DAY)
  const span = Math.min(end - 10 * DAY - first, Math.max(DAY, rng.exponential(1 / 60) * DAY))
  // A session brings ~4 events: sessions spread evenly over the active span, each at a random hour.
  const sessions = Math.max(1, Math.ceil(count / 4))
  const gap = span / sessions
  const signUpAt = p.userId ? rng.int(0, Math.min(2, sessions - 1)) : -1
  for (let s = 0; !e.full; s++) {
    const at = Math.floor(first + (s % sessions) * gap + rng.uniform() * gap * 0.9)
    if (s === signUpAt) {
      e.add('identify', '$identify', at - MINUTE, {})
      e.signUp()
      e.add('track', 'Signed Up', at, { channel: p.channel, category: p.category })
    }
    // The second device is seen once, anonymously, before the sign-up; person_ids links it.
    e.useDevice(p.secondDevice && s === 0 && signUpAt > 0 ? p.secondDevice : p.anonymousId)
    session(e, p, rng, at + (s >= sessions ? MINUTE * 30 : 0))
  }
  return e.rows
}

/**
 * The data set, persons one after another: each person's rows, and its person_ids rows when it
 * signed up (its ids, all held by one person). Same options, same data.
 */
export function* analyticsData(o: AnalyticsDataOptions): Generator<{ rows: EventRow[]; ids: PersonIdRow[] }> {
  const rng = new SeededRandom(o.seed)
  const counts = eventCounts(o, rng)
  let n = 0
  const nextId = () => `b-${(n++).toString(36)}`
  const created = new Date(o.startMs).toISOString().replace('T', ' ').replace('Z', '')
  for (let i = 0; i < o.persons; i++) {
    const bot = i < o.bots
    const signed = !bot && rng.chance(0.6)
    const p: Person = {
      index: i,
      anonymousId: `anon-${i}`,
      secondDevice: signed && rng.chance(0.15) ? `anon-${i}-2` : '',
      userId: signed ? `user-${i}` : '',
      channel: CHANNELS[rng.int(0, CHANNELS.length - 1)],
      category: CATEGORIES[rng.int(0, CATEGORIES.length - 1)],
    }
    const rows = personEvents(o, p, counts[i], bot, rng, nextId)
    const ids = signed ? [p.anonymousId, p.userId, p.secondDevice].filter((id) => id !== '') : []
    yield { rows, ids: ids.map((id) => ({ id, person_id: `person-${i}`, identified: id === p.userId ? 1 : 0, person_created_at: created, version: 1 })) }
  }
}
