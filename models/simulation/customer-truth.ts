// What the simulator knows about each person and a real platform never would: the latent state
// the events were drawn from, written to the truth file so fits can be checked against it.
import type { Channel, Device } from './simulation-params.ts'

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
