// The simulated population: people one after another from one seeded stream, so that a seed
// (with the same parameters) always gives the same events and the same truth.
import { simulateCustomer } from './customer-simulation.ts'
import type { CustomerTruth } from './customer-truth.ts'
import { SeededRandom } from './seeded-random.ts'
import { DEFAULT_PARAMS, type SegmentEvent, type SimulationParams } from './simulation-params.ts'

export interface SimulationOptions {
  seed: number
  customers: number
  days: number
  startMs: number
}

export function simulationParams(options: SimulationOptions, overrides: Partial<SimulationParams> = {}): SimulationParams {
  return { ...DEFAULT_PARAMS, ...options, ...overrides }
}

export function* simulate(params: SimulationParams): Generator<{ truth: CustomerTruth; events: SegmentEvent[] }> {
  const rng = new SeededRandom(params.seed)
  for (let i = 0; i < params.customers; i++) yield simulateCustomer(params, i, rng)
}
