// The simulator: deterministic for a seed, its events obey the generative story, its latent draws
// follow the configured distributions, and `pulse simulate` lands every event in a running Pulse.
import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CustomerTruth } from '../models/simulation/customer-truth.ts'
import { simulate, simulationParams } from '../models/simulation/simulation.ts'
import { JOURNEY_STEPS, type SegmentEvent } from '../models/simulation/simulation-params.ts'
import type { RunningPulse } from '../pipelines/pulse-app.ts'
import { runSimulate } from '../pipelines/cli/simulate-command.ts'
import { countEvents, sql, startTestPulse, testConfig, waitFor, WRITE_KEY } from './helpers/test-pulse.ts'

const START = Date.UTC(2025, 0, 1)
const DAY = 86_400_000

function run(seed: number, customers: number, days = 365) {
  return [...simulate(simulationParams({ seed, customers, days, startMs: START }))]
}

function digest(people: ReturnType<typeof run>): string {
  const h = createHash('sha256')
  for (const p of people) h.update(JSON.stringify(p))
  return h.digest('hex')
}

describe('simulator determinism', () => {
  it('gives the same events and truth for a seed, and others for another seed', () => {
    expect(digest(run(11, 200))).toBe(digest(run(11, 200)))
    expect(digest(run(11, 200))).not.toBe(digest(run(12, 200)))
  })
})

describe('simulated events follow the story', () => {
  const people = run(5, 600)
  const at = (e: SegmentEvent) => Date.parse(e.timestamp)

  it('has buyers, churners and all the kinds of events', () => {
    const names = new Set(people.flatMap((p) => p.events.map((e) => e.event ?? e.type)))
    for (const n of [...JOURNEY_STEPS, 'page', 'identify', 'Signed Up', 'Logged In', 'Enquiry Sent', 'Complaint Filed', 'Complaint Resolved', 'NPS Submitted']) expect(names).toContain(n)
    expect(people.filter((p) => p.truth.firstPurchaseDay !== null).length).toBeGreaterThan(100)
    expect(people.filter((p) => p.truth.churnDay !== null && p.truth.firstPurchaseDay !== null).length).toBeGreaterThan(30)
  })

  it('stores one order per purchase of the truth, none after churn, and no login after churn', () => {
    for (const { truth, events } of people) {
      const orders = events.filter((e) => e.event === 'Order Completed')
      expect(orders.length).toBe(truth.purchaseDays.length)
      for (const o of orders) expect((o.properties as { revenue: number }).revenue).toBeGreaterThan(0)
      if (truth.churnDay === null) continue
      const churnAt = START + truth.churnDay * DAY
      for (const e of events) if (e.event === 'Order Completed' || e.event === 'Logged In') expect(at(e)).toBeLessThanOrEqual(churnAt + 1)
    }
  })

  it('walks every journey in funnel order, completed ones to the end', () => {
    const journeys = new Map<string, SegmentEvent[]>()
    for (const { events } of people) for (const e of events) {
      const id = (e.properties as { journey_id?: string } | undefined)?.journey_id
      if (id) journeys.set(id, [...(journeys.get(id) ?? []), e])
    }
    expect(journeys.size).toBeGreaterThan(1000)
    for (const steps of journeys.values()) {
      expect(steps.map((e) => e.event)).toEqual(JOURNEY_STEPS.slice(0, steps.length))
      for (let i = 1; i < steps.length; i++) expect(at(steps[i])).toBeGreaterThanOrEqual(at(steps[i - 1]))
    }
  })

  it('links ids by identify: the anonymous id was seen before, the user id only after', () => {
    for (const { truth, events } of people) {
      const identify = events.find((e) => e.type === 'identify')
      if (!truth.userId) {
        expect(identify).toBeUndefined()
        expect(events.every((e) => e.userId === undefined && e.anonymousId === truth.anonymousId)).toBe(true)
        continue
      }
      expect(identify).toMatchObject({ userId: truth.userId, anonymousId: truth.anonymousId })
      const before = events.slice(0, events.indexOf(identify!))
      expect(before.length).toBeGreaterThan(0)
      expect(before.every((e) => e.anonymousId === truth.anonymousId && e.userId === undefined)).toBe(true)
      for (const e of events.slice(events.indexOf(identify!))) expect(e.userId).toBe(truth.userId)
    }
  })
})

describe('latent draws follow the configured distributions', () => {
  it('lambda, p and nu have the means of Gamma(r, alpha), Beta(a, b) and Gamma(q, gamma)', () => {
    const params = simulationParams({ seed: 99, customers: 30_000, days: 30, startMs: START })
    const buyers: CustomerTruth[] = []
    for (const { truth } of simulate(params)) if (truth.lambda !== null) buyers.push(truth)
    expect(buyers.length).toBeGreaterThan(10_000)
    const mean = (f: (t: CustomerTruth) => number) => buyers.reduce((s, t) => s + f(t), 0) / buyers.length
    const { r, alpha, a, b } = params.bgnbd
    const { q, gamma } = params.gammaGamma
    expect(mean((t) => t.lambda!) / (r / alpha)).toBeCloseTo(1, 1)
    expect(mean((t) => t.dropoutP!) / (a / (a + b))).toBeCloseTo(1, 1)
    expect(mean((t) => t.nu!) / (q / gamma)).toBeCloseTo(1, 1)
    // Variance of Gamma(r, alpha) is r / alpha^2: checks the shape, not only the mean.
    const lambdaVar = mean((t) => (t.lambda! - r / alpha) ** 2)
    expect(lambdaVar / (r / alpha ** 2)).toBeCloseTo(1, 1)
  })
})

describe('pulse simulate against a running Pulse', () => {
  let pulse: RunningPulse
  beforeAll(async () => {
    pulse = await startTestPulse('simulate')
  })
  afterAll(async () => {
    await pulse?.stop()
  })

  it('sends every simulated event, and each is stored once', async () => {
    const config = testConfig('simulate-cli', { writeKeys: [{ key: WRITE_KEY, source: 'test' }] })
    const summary = await runSimulate({ customers: 150, days: 120, start: '2025-03-01', seed: 4, rate: 0, url: pulse.url, batch: 100, concurrency: 4 }, config, true)
    expect(summary.sent).toMatchObject({ sent: summary.events, rejected: 0 })
    const counted = await waitFor(() => countEvents(pulse.url), (c) => c.rows >= summary.events)
    expect(counted).toEqual({ rows: summary.events, unique: summary.events })
    const [orders] = await sql<{ n: number }>(pulse.url, "SELECT count() AS n FROM events WHERE event = 'Order Completed' AND revenue > 0")
    expect(Number(orders.n)).toBe(summary.purchases)
  })
})
