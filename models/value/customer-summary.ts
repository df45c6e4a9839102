// The per-customer summary the value models are fitted on (Fader, Hardie & Lee 2005, section 2):
// repeat purchases, the time of the last, and the time observed, all from the first purchase.

/** One customer: x repeat purchases, the last at t_x after the first, observed for T since the first. */
export interface CustomerSummary {
  x: number
  tx: number
  T: number
}
