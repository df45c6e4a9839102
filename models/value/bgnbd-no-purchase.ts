// BG/NBD's probability that a customer with history (x, t_x, T) makes no purchase in (T, T + t]:
// either dropped out by T, or alive with no purchase in the window. Alive at T, the purchase rate's
// posterior is Gamma(r + x, alpha + T) (Fader, Hardie & Lee 2005, section 3), and drop-out can only
// follow a purchase, so no purchase in the window has probability E[exp(-lambda t)] under it.
import { bgnbdPAlive, type BgNbdParams } from './bgnbd.ts'
import type { CustomerSummary } from './customer-summary.ts'

export function bgnbdNoPurchaseProbability(c: CustomerSummary, t: number, params: BgNbdParams): number {
  const alive = bgnbdPAlive(c, params)
  const { r, alpha } = params
  const quiet = Math.exp((r + c.x) * (Math.log(alpha + c.T) - Math.log(alpha + c.T + t)))
  return 1 - alive + alive * quiet
}
