// One simulated person, from the first anonymous visit to churn, as Segment events plus the latent
// truth behind them. The generative story (parameters in simulation-params.ts):
// arrival from a channel -> maybe sign up (identify links the anonymous id) -> maybe a first
// purchase, then repeat purchases at rate lambda with a drop-out chance p after each (BG/NBD),
// each order's value from Gamma-Gamma; every purchase is the completed one of a run of funnel
// journeys (the others stop at some step); logins fade before churn; enquiries, complaints (more
// of them before churn) with resolutions, and NPS answers that reflect the customer's experience.
import type { SeededRandom } from './seeded-random.ts'
import { JOURNEY_STEPS, type Channel, type Device, type SegmentEvent, type SimulationParams } from './simulation-params.ts'

export interface CustomerTruth {
  index: number
  anonymousId: string
  userId: string | null
  channel: Channel
  device: Device
  region: string
  ageBand: string
  favouriteCategory: string
  priceSensitive: boolean
  firstVisitDay: number
  signupDay: number | null
  /** BG/NBD latent state (buyers only): purchases per day, drop-out probability, spend rate. */
  firstPurchaseDay: number | null
  lambda: number | null
  dropoutP: number | null
  nu: number | null
  /** Expected order value, p / nu. */
  meanSpend: number | null
  purchaseDays: number[]
  /** Still active at the end of the period. */
  alive: boolean
  churnDay: number | null
}

const MINUTE = 1 / 1440
const UTM: Record<Channel, { source: string; medium: string }> = {
  search: { source: 'google', medium: 'organic' },
  social: { source: 'instagram', medium: 'social' },
  referral: { source: 'partner-blog', medium: 'referral' },
  ads: { source: 'google', medium: 'cpc' },
}

interface Timed {
  day: number
  event: Omit<SegmentEvent, 'messageId' | 'timestamp'>
}

export function simulateCustomer(p: SimulationParams, index: number, rng: SeededRandom): { truth: CustomerTruth; events: SegmentEvent[] } {
  const out: Timed[] = []
  const anonymousId = `anon-${p.seed}-${index}`
  const channel = rng.pick(p.channelWeights)
  const device = rng.pick(p.deviceWeights)
  const region = rng.pick(p.regionWeights)
  const ageBand = rng.pick(p.ageBandWeights)
  const pool = rng.chance(0.5) ? p.categories.courses : p.categories.services
  const favouriteCategory = pool[rng.int(0, pool.length - 1)]
  const priceSensitive = rng.chance(p.priceSensitiveShare)
  let userId: string | null = null
  const ids = () => (userId ? { userId, anonymousId } : { anonymousId })
  const sessionDevice = () => (rng.chance(0.8) ? device : rng.pick(p.deviceWeights))
  const context = (d: Device = device) => ({ library: { name: 'pulse-simulator', version: '1' }, device: { type: d } })
  const track = (day: number, event: string, properties: Record<string, unknown>, d?: Device) =>
    out.push({ day, event: { type: 'track', event, ...ids(), properties, context: context(d) } })

  // Acquisition: 1-3 anonymous page views from the channel, tagged with its UTM parameters.
  const firstVisitDay = rng.uniform() * p.days * p.acquisitionShare
  const campaign = { ...UTM[channel], name: `${channel}-${favouriteCategory}` }
  const views = rng.int(1, 3)
  for (let v = 0; v < views; v++) {
    const page = v === 0 ? 'Home' : 'Services'
    const url = `https://app.example.com/${page.toLowerCase()}?utm_source=${campaign.source}&utm_medium=${campaign.medium}&utm_campaign=${campaign.name}`
    out.push({ day: firstVisitDay + v * 2 * MINUTE, event: { type: 'page', name: page, ...ids(), properties: { url, category: favouriteCategory }, context: { ...context(), campaign } } })
  }

  // Sign-up: identify links the anonymous id to the new user id (Segment identify semantics).
  let signupDay: number | null = null
  if (rng.chance(p.signupProbability)) {
    const day = rng.chance(0.7) ? firstVisitDay + (views * 2 + rng.int(1, 20)) * MINUTE : firstVisitDay + rng.exponential(1 / 5)
    if (day < p.days) signupDay = day
  }
  const truth: CustomerTruth = {
    index, anonymousId, userId: null, channel, device, region, ageBand, favouriteCategory, priceSensitive, firstVisitDay, signupDay,
    firstPurchaseDay: null, lambda: null, dropoutP: null, nu: null, meanSpend: null, purchaseDays: [], alive: false, churnDay: null,
  }
  if (signupDay === null) return { truth, events: finish(p, index, out) }

  userId = `cust-${p.seed}-${index}`
  truth.userId = userId
  const traits = { region, age_band: ageBand, signup_channel: channel, favourite_category: favouriteCategory }
  out.push({ day: signupDay, event: { type: 'identify', userId, anonymousId, traits, context: context() } })
  track(signupDay + MINUTE, 'Signed Up', { channel, category: favouriteCategory })

  // Purchases: BG/NBD from the first (trial) purchase on.
  let activeEnd = Math.min(p.days, signupDay + rng.exponential(1 / p.nonBuyerActiveDays))
  if (rng.chance(p.firstPurchaseProbability)) {
    // At least half an hour after sign-up, so the journey before it follows the identify.
    const t0 = signupDay + 30 * MINUTE + rng.exponential(1 / 3)
    if (t0 < p.days) {
      const { r, alpha, a, b } = p.bgnbd
      const lambda = rng.gamma(r, alpha)
      const dropoutP = rng.beta(a, b)
      const nu = rng.gamma(p.gammaGamma.q, p.gammaGamma.gamma)
      Object.assign(truth, { firstPurchaseDay: t0, lambda, dropoutP, nu, meanSpend: p.gammaGamma.p / nu })
      // BG/NBD: the drop-out chance follows each *repeat* purchase, not the first one (its
      // likelihood has (1-p)^x for x repeat purchases; P(alive) is 1 when x = 0).
      let t = t0
      activeEnd = p.days
      truth.purchaseDays.push(t0)
      for (;;) {
        t += rng.exponential(lambda)
        if (t >= p.days) break
        truth.purchaseDays.push(t)
        if (rng.chance(dropoutP)) {
          activeEnd = t
          break
        }
      }
    }
  }
  truth.alive = activeEnd >= p.days
  truth.churnDay = truth.alive ? null : activeEnd

  const orders = simulateOrders(p, rng, truth, track, sessionDevice)
  simulateEngagement(p, rng, truth, activeEnd, track, sessionDevice, orders)
  return { truth, events: finish(p, index, out) }
}

type Track = (day: number, event: string, properties: Record<string, unknown>, d?: Device) => void

/** The journeys behind each purchase; returns the order days (for NPS answers and complaints). */
function simulateOrders(p: SimulationParams, rng: SeededRandom, truth: CustomerTruth, track: Track, sessionDevice: () => Device): number[] {
  let journey = 0
  const category = truth.favouriteCategory
  const serviceId = () => `${category}-${rng.int(1, 12)}`
  for (const day of truth.purchaseDays) {
    // Abandoned journeys before the completed one: attempts stop at the first failed step.
    for (;;) {
      let reached = 1
      while (reached < JOURNEY_STEPS.length && rng.chance(p.stepConversion[reached - 1])) reached++
      const completed = reached === JOURNEY_STEPS.length
      const earliest = truth.signupDay! + 10 * MINUTE
      const start = completed ? day - (JOURNEY_STEPS.length - 1) * 3 * MINUTE : Math.max(earliest, day - rng.exponential(1))
      const d = sessionDevice()
      const id = `j-${truth.index}-${journey++}`
      const service = serviceId()
      for (let s = 0; s < reached; s++) {
        const step = JOURNEY_STEPS[s]
        const at = completed && s === reached - 1 ? day : start + s * 3 * MINUTE
        if (step !== 'Order Completed') track(at, step, { journey_id: id, service_id: service, category }, d)
        else track(at, step, orderProperties(p, rng, truth, id, service), d)
      }
      if (completed) break
    }
  }
  return truth.purchaseDays
}

function orderProperties(p: SimulationParams, rng: SeededRandom, truth: CustomerTruth, journeyId: string, serviceId: string): Record<string, unknown> {
  const value = rng.gamma(p.gammaGamma.p, truth.nu!)
  const revenue = Math.max(0.01, Math.round(value * 100) / 100)
  const coupon = rng.chance(truth.priceSensitive ? p.couponUse.priceSensitive : p.couponUse.others)
  const discount = coupon ? [0.1, 0.15, 0.2][rng.int(0, 2)] : 0
  return {
    journey_id: journeyId, order_id: `o-${journeyId}`, service_id: serviceId, category: truth.favouriteCategory, revenue, currency: 'EUR',
    ...(coupon ? { coupon: `SAVE${discount * 100}`, discount: Math.round((revenue / (1 - discount) - revenue) * 100) / 100 } : {}),
  }
}

/** Points of a Poisson process on [from, to) with rate(t) <= maxRate, by thinning. */
function poissonDays(rng: SeededRandom, from: number, to: number, maxRate: number, rate: (day: number) => number): number[] {
  const days: number[] = []
  if (maxRate <= 0) return days
  for (let t = from + rng.exponential(maxRate); t < to; t += rng.exponential(maxRate)) if (rng.uniform() * maxRate < rate(t)) days.push(t)
  return days
}

function simulateEngagement(p: SimulationParams, rng: SeededRandom, truth: CustomerTruth, activeEnd: number, track: Track, sessionDevice: () => Device, orderDays: number[]): void {
  const start = truth.signupDay!
  const fade = (t: number) => (truth.churnDay === null ? 1 : Math.min(1, Math.max(0, (activeEnd - t) / p.logins.fadeDays)))
  const loginRate = rng.gamma(p.logins.shape, p.logins.rate)
  for (const day of poissonDays(rng, start, activeEnd, loginRate, (t) => loginRate * fade(t))) {
    const d = sessionDevice()
    track(day, 'Logged In', { method: rng.chance(0.7) ? 'password' : 'sso' }, d)
    if (p.categories.courses.includes(truth.favouriteCategory) && rng.chance(0.5)) track(day + 4 * MINUTE, 'Lesson Viewed', { category: truth.favouriteCategory }, d)
  }
  for (const day of poissonDays(rng, start, activeEnd, p.enquiryRate, () => p.enquiryRate)) {
    track(day, 'Enquiry Sent', { topic: rng.pick({ new_service: 0.4, schedule: 0.35, billing: 0.25 }) })
  }
  const complaintDays: number[] = []
  if (truth.firstPurchaseDay !== null) {
    const boost = (t: number) => (fade(t) < 1 ? p.complaintBoostBeforeChurn : 1)
    const max = p.complaintRate * p.complaintBoostBeforeChurn
    for (const day of poissonDays(rng, truth.firstPurchaseDay, activeEnd, max, (t) => p.complaintRate * boost(t))) {
      complaintDays.push(day)
      const severity = rng.chance(p.majorComplaintShare) ? 'major' : 'normal'
      const id = `c-${truth.index}-${complaintDays.length}`
      track(day, 'Complaint Filed', { complaint_id: id, severity })
      const hours = rng.exponential(1 / p.resolutionHours[severity])
      if (day + hours / 24 < p.days) track(day + hours / 24, 'Complaint Resolved', { complaint_id: id, severity, hours: Math.round(hours * 100) / 100 })
    }
  }
  // NPS after some orders: lower after a recent complaint and when the customer is about to leave.
  for (const day of orderDays) {
    if (!rng.chance(p.npsAfterOrderProbability)) continue
    const complained = complaintDays.some((c) => c <= day && day - c < 30)
    const leaving = truth.churnDay !== null && truth.churnDay - day < 60
    const score = Math.round(Math.min(10, Math.max(0, 8.5 + rng.normal() - (complained ? 3 : 0) - (leaving ? 2 : 0))))
    track(day + 30 * MINUTE, 'NPS Submitted', { score })
  }
}

/** Time order, deterministic ids and ISO timestamps. */
function finish(p: SimulationParams, index: number, out: Timed[]): SegmentEvent[] {
  out.sort((x, y) => x.day - y.day)
  return out.map((t, n) => ({ ...t.event, messageId: `sim-${p.seed}-${index}-${n}`, timestamp: new Date(p.startMs + Math.round(t.day * 86_400_000)).toISOString() }) as SegmentEvent)
}
