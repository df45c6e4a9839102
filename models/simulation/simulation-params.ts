// Parameters of the simulated service platform (online courses plus booked local services).
// Rates are per day. The purchase process is BG/NBD and spend is Gamma-Gamma (Fader, Hardie & Lee
// 2005): a model fitted on the simulated summaries should recover these values.

export const CHANNELS = ['search', 'social', 'referral', 'ads'] as const
export type Channel = (typeof CHANNELS)[number]
export const DEVICES = ['app', 'web', 'phone', 'store'] as const
export type Device = (typeof DEVICES)[number]

/** The funnel of one purchase journey, in order (Segment e-commerce spec names after the browse step). */
export const JOURNEY_STEPS = ['Services Browsed', 'Product Viewed', 'Product Added', 'Checkout Started', 'Payment Info Entered', 'Order Completed'] as const
export type JourneyStep = (typeof JOURNEY_STEPS)[number]

export interface SimulationParams {
  seed: number
  customers: number
  days: number
  /** First day of the simulated period, as epoch ms (UTC midnight). */
  startMs: number
  /** Share of the period over which people first arrive (later arrivals have a short history). */
  acquisitionShare: number
  channelWeights: Record<Channel, number>
  deviceWeights: Record<Device, number>
  regionWeights: Record<string, number>
  ageBandWeights: Record<string, number>
  categories: { courses: string[]; services: string[] }
  signupProbability: number
  /** Probability that a person who signed up makes a first purchase (the BG/NBD trial). */
  firstPurchaseProbability: number
  /** BG/NBD: purchase rate lambda ~ Gamma(r, alpha) per day; drop-out p ~ Beta(a, b) after each purchase. */
  bgnbd: { r: number; alpha: number; a: number; b: number }
  /** Gamma-Gamma: each order value ~ Gamma(p, nu), nu ~ Gamma(q, gamma) per customer. */
  gammaGamma: { p: number; q: number; gamma: number }
  /** Conversion from each journey step to the next (5 values for the 6 steps). */
  stepConversion: number[]
  priceSensitiveShare: number
  couponUse: { priceSensitive: number; others: number }
  /** Logins per day ~ Gamma(shape, rate); they fade over `fadeDays` before a customer churns. */
  logins: { shape: number; rate: number; fadeDays: number }
  enquiryRate: number
  complaintRate: number
  /** Complaint rate multiplier in the fade window before churn. */
  complaintBoostBeforeChurn: number
  majorComplaintShare: number
  /** Mean hours to resolve a complaint, by severity. */
  resolutionHours: { major: number; normal: number }
  npsAfterOrderProbability: number
  /** Days a registered non-buyer stays active, exponential with this mean. */
  nonBuyerActiveDays: number
}

export const DEFAULT_PARAMS: Omit<SimulationParams, 'seed' | 'customers' | 'days' | 'startMs'> = {
  acquisitionShare: 0.75,
  channelWeights: { search: 0.4, social: 0.25, referral: 0.15, ads: 0.2 },
  deviceWeights: { app: 0.45, web: 0.4, phone: 0.1, store: 0.05 },
  regionWeights: { north: 0.3, south: 0.25, east: 0.2, west: 0.25 },
  ageBandWeights: { '18-24': 0.18, '25-34': 0.32, '35-44': 0.24, '45-54': 0.15, '55+': 0.11 },
  categories: { courses: ['languages', 'coding', 'music', 'fitness'], services: ['cleaning', 'tutoring', 'repairs', 'beauty'] },
  signupProbability: 0.6,
  firstPurchaseProbability: 0.75,
  bgnbd: { r: 0.9, alpha: 40, a: 0.8, b: 4 },
  gammaGamma: { p: 6, q: 4, gamma: 30 },
  stepConversion: [0.55, 0.5, 0.75, 0.8, 0.55],
  priceSensitiveShare: 0.25,
  couponUse: { priceSensitive: 0.9, others: 0.1 },
  logins: { shape: 2, rate: 8, fadeDays: 30 },
  enquiryRate: 0.01,
  complaintRate: 0.004,
  complaintBoostBeforeChurn: 4,
  majorComplaintShare: 0.25,
  resolutionHours: { major: 1.5, normal: 16 },
  npsAfterOrderProbability: 0.2,
  nonBuyerActiveDays: 45,
}

/** One event as the Segment HTTP API takes it. */
export interface SegmentEvent {
  type: 'track' | 'identify' | 'page'
  messageId: string
  timestamp: string
  anonymousId?: string
  userId?: string
  event?: string
  name?: string
  properties?: Record<string, unknown>
  traits?: Record<string, unknown>
  context: Record<string, unknown>
}
