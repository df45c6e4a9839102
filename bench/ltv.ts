// bench/ltv: fit time and per-customer scoring time of the customer-value models, on the CDNOW
// summary and on a simulated summary of 1,000,000 customers (BG/NBD and Gamma-Gamma processes with
// known parameters), with the process's peak memory. Target: fit <= 3 s on 2 cores.
// Usage: npm run bench:ltv -- [--customers 1000000]
import { readFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { bgnbdConditionalExpected, bgnbdPAlive, fitBgNbd, type BgNbdParams } from '../models/value/bgnbd.ts'
import { DAYS_PER_MONTH, discountedClv } from '../models/value/clv.ts'
import { fitGammaGamma, gammaGammaExpectedSpend, type GammaGammaParams } from '../models/value/gamma-gamma.ts'
import { SeededRandom } from '../models/simulation/seeded-random.ts'
import type { TransactionSummary } from '../models/value/transaction-summary.ts'

const { values } = parseArgs({ options: { customers: { type: 'string', default: '1000000' } } })
const here = path.dirname(fileURLToPath(import.meta.url))
const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d })
let peakRss = 0
const sample = () => (peakRss = Math.max(peakRss, process.memoryUsage.rss()))

/** Summaries of customers drawn from BG/NBD and Gamma-Gamma with the given parameters (weeks). */
function simulatedSummaries(n: number, bg: BgNbdParams, gg: GammaGammaParams, seed: number): TransactionSummary[] {
  const rng = new SeededRandom(seed)
  const out: TransactionSummary[] = []
  for (let i = 0; i < n; i++) {
    const lambda = rng.gamma(bg.r, bg.alpha)
    const p = rng.beta(bg.a, bg.b)
    const nu = rng.gamma(gg.q, gg.gamma)
    const T = 1 + rng.uniform() * 77 // first purchases spread over a year and a half, in weeks
    let t = 0
    let x = 0
    let tx = 0
    let spend = 0
    for (;;) {
      t += rng.exponential(lambda)
      if (t > T) break
      x++
      tx = t
      spend += rng.gamma(gg.p, nu)
      if (rng.chance(p)) break
    }
    out.push({ customer: String(i), x, tx, T, m: x ? spend / x : 0 })
  }
  return out
}

function run(label: string, customers: TransactionSummary[], truth?: { bg: BgNbdParams; gg: GammaGammaParams }): void {
  sample()
  let started = performance.now()
  const bg = fitBgNbd(customers)
  const bgSeconds = (performance.now() - started) / 1000
  started = performance.now()
  const gg = fitGammaGamma(customers)
  const ggSeconds = (performance.now() - started) / 1000
  sample()
  started = performance.now()
  let checksum = 0
  for (const c of customers) {
    const spend = gammaGammaExpectedSpend(c, gg)
    checksum += bgnbdConditionalExpected(c, 39, bg) + bgnbdPAlive(c, bg) + discountedClv(c, bg, spend, { months: 12, monthlyDiscount: 0.01, unitsPerMonth: DAYS_PER_MONTH / 7 })
  }
  const scoreSeconds = (performance.now() - started) / 1000
  sample()
  console.log(`  ${label}: ${fmt(customers.length)} customers`)
  console.log(`    BG/NBD fit ${bgSeconds.toFixed(2)} s (${bg.iterations} iterations${bg.converged ? '' : ', not converged'}): r ${bg.r.toFixed(3)}, alpha ${bg.alpha.toFixed(3)}, a ${bg.a.toFixed(3)}, b ${bg.b.toFixed(3)}, LL ${fmt(bg.ll, 1)}${truth ? ` (truth r ${truth.bg.r}, alpha ${truth.bg.alpha}, a ${truth.bg.a}, b ${truth.bg.b})` : ''}`)
  console.log(`    Gamma-Gamma fit ${ggSeconds.toFixed(2)} s: p ${gg.p.toFixed(3)}, q ${gg.q.toFixed(3)}, gamma ${gg.gamma.toFixed(3)}${truth ? ` (truth p ${truth.gg.p}, q ${truth.gg.q}, gamma ${truth.gg.gamma})` : ''}`)
  console.log(`    scoring (expected purchases in 39 weeks, P(alive), expected spend, 12-month CLV): ${((scoreSeconds * 1e6) / customers.length).toFixed(2)} us per customer, ${scoreSeconds.toFixed(2)} s in all${Number.isFinite(checksum) ? '' : ' (NON-FINITE SCORES)'}`)
}

console.log(`bench/ltv: ${os.cpus().length} cores, one thread`)
const cdnow = readFileSync(path.join(here, '../test/fixtures/cdnow/cdnow_customers_summary_with_transactions.csv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((l) => l.split(',').map(Number))
  .map(([id, x, tx, T, m]) => ({ customer: String(id), x, tx, T, m }))
run('CDNOW', cdnow)
const truth = { bg: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, gg: { p: 6.25, q: 3.74, gamma: 15.44 } }
const started = performance.now()
const simulated = simulatedSummaries(Number(values.customers), truth.bg, truth.gg, 7)
console.log(` (simulated the summaries in ${((performance.now() - started) / 1000).toFixed(1)} s)`)
run('simulated', simulated, truth)
console.log(`  peak RSS: ${fmt(peakRss / 1024 / 1024)} MB`)
