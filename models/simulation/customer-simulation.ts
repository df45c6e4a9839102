// One simulated person, from the first anonymous visit to churn, as Segment events plus the latent
// truth behind them. The generative story (parameters in simulation-params.ts):
// arrival from a channel -> maybe sign up (identify links the anonymous id) -> maybe a first
// purchase, then repeat purchases at rate lambda with a drop-out chance p after each (BG/NBD),
// each order's value from Gamma-Gamma; every purchase is the completed one of a run of funnel
// journeys (the others stop at some step); logins fade before churn; enquiries, complaints (more
// of them before churn) with resolutions, and NPS answers that reflect the customer's experience.
import type { CustomerTruth } from './customer-truth.ts'
import { MINUTE, simulateEngagement, simulateOrders } from './customer-activity-simulation.ts'
import type { SeededRandom } from './seeded-random.ts'
import { type Channel, type Device, type SegmentEvent, type SimulationParams } from './simulation-params.ts'

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

/** Time order, deterministic ids and ISO timestamps. */
function finish(p: SimulationParams, index: number, out: Timed[]): SegmentEvent[] {
  out.sort((x, y) => x.day - y.day)
  return out.map((t, n) => ({ ...t.event, messageId: `sim-${p.seed}-${index}-${n}`, timestamp: new Date(p.startMs + Math.round(t.day * 86_400_000)).toISOString() }) as SegmentEvent)
}
