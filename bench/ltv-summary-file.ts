// A customer summary CSV as `lifetimes`' summary_data_from_transaction_data writes it from a daily
// log (whole days; frequency counts repeat purchase days): customers drawn from BG/NBD and
// Gamma-Gamma with CDNOW's parameters, first purchases spread over 78 weeks. The file the
// whole-process benchmark of `pulse ltv fit --summary` reads.
import { createWriteStream } from 'node:fs'
import type { BgNbdParams } from '../models/value/bgnbd.ts'
import type { GammaGammaParams } from '../models/value/gamma-gamma.ts'
import { SeededRandom } from '../models/simulation/seeded-random.ts'

export const SIMULATION_TRUTH = { bg: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, gg: { p: 6.25, q: 3.74, gamma: 15.44 } }

/** Writes `n` customers to `file` (header customer,frequency,recency,T,monetary_value). */
export async function writeSummaryFile(file: string, n: number, seed = 7, truth: { bg: BgNbdParams; gg: GammaGammaParams } = SIMULATION_TRUTH): Promise<void> {
  const rng = new SeededRandom(seed)
  const out = createWriteStream(file)
  const { bg, gg } = truth
  let chunk = 'customer,frequency,recency,T,monetary_value\n'
  for (let i = 0; i < n; i++) {
    const lambda = rng.gamma(bg.r, bg.alpha) // purchases per week
    const p = rng.beta(bg.a, bg.b)
    const nu = rng.gamma(gg.q, gg.gamma)
    const T = 1 + Math.floor(rng.uniform() * 546) // days from the first purchase to the end
    const days = new Set<number>()
    let last = 0
    let spend = 0
    for (let t = 0; ; ) {
      t += rng.exponential(lambda) * 7
      if (t > T) break
      const day = Math.floor(t)
      if (day > 0 && !days.has(day)) {
        days.add(day)
        last = day
      }
      spend += rng.gamma(gg.p, nu)
      if (rng.chance(p)) break
    }
    const x = days.size
    chunk += `C${String(i + 1).padStart(7, '0')},${x}.0,${last}.0,${T}.0,${x ? (spend / x).toFixed(2) : '0.0'}\n`
    if (chunk.length > 1 << 16) {
      if (!out.write(chunk)) await new Promise((r) => out.once('drain', r))
      chunk = ''
    }
  }
  out.write(chunk)
  await new Promise((r) => out.end(r))
}
