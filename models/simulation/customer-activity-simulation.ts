// What a customer does after signing up, for the simulator (customer-simulation.ts): the funnel
// journeys behind each purchase, logins that fade before churn, enquiries, complaints with their
// resolutions, and NPS answers.
import type { CustomerTruth } from './customer-truth.ts'
import type { SeededRandom } from './seeded-random.ts'
import { JOURNEY_STEPS, type Device, type SimulationParams } from './simulation-params.ts'

export const MINUTE = 1 / 1440

export type Track = (day: number, event: string, properties: Record<string, unknown>, d?: Device) => void

/** The journeys behind each purchase; returns the order days (for NPS answers and complaints). */
export function simulateOrders(p: SimulationParams, rng: SeededRandom, truth: CustomerTruth, track: Track, sessionDevice: () => Device): number[] {
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

export function simulateEngagement(p: SimulationParams, rng: SeededRandom, truth: CustomerTruth, activeEnd: number, track: Track, sessionDevice: () => Device, orderDays: number[]): void {
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
