// bench/ltv: the whole process of `pulse ltv fit --summary` on a summary CSV of 1,000,000
// customers (wall and CPU time, the median of --runs), beside a numpy/scipy fit of the same file
// done the way the `lifetimes` library does it (bench/bgnbd_fit_baseline.py), measured in the same
// run, and the ratio; the estimates of both are printed to show they are the same. Target:
// pulse <= 0.2 x lifetimes on the same file. With --in-process, also the fit and per-customer
// scoring times inside one process, on CDNOW and on 1,000,000 simulated customers.
// Usage: npm run bench:ltv -- [--customers 1000000] [--runs 3] [--baseline-method BFGS|Nelder-Mead] [--in-process]
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { bgnbdConditionalExpected, bgnbdPAlive, fitBgNbd, type BgNbdParams } from '../models/value/bgnbd.ts'
import { DAYS_PER_MONTH, discountedClv } from '../models/value/clv.ts'
import { fitGammaGamma, gammaGammaExpectedSpend, type GammaGammaParams } from '../models/value/gamma-gamma.ts'
import { SeededRandom } from '../models/simulation/seeded-random.ts'
import type { TransactionSummary } from '../models/value/transaction-summary.ts'
import { writeSummaryFile } from './ltv-summary-file.ts'

const { values } = parseArgs({
  options: { customers: { type: 'string', default: '1000000' }, runs: { type: 'string', default: '3' }, 'baseline-method': { type: 'string', default: 'BFGS' }, 'in-process': { type: 'boolean', default: false } },
})
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

/** Measured earlier on this kind of machine: lifetimes 0.11 (BetaGeoFitter and GammaGammaFitter) on the same kind of file. */
const LIFETIMES_EARLIER_SECONDS = 12.8

interface Timed {
  wall: number
  cpu: number
  out: string
}

/** Runs a command as its own process; its user + system CPU time comes from bash's `times`. */
function timed(command: string, args: string[], outFile: string): Timed {
  const started = performance.now()
  const r = spawnSync('bash', ['-c', '"$@" > "$0"; rc=$?; times; exit $rc', outFile, command, ...args], { encoding: 'utf8', cwd: path.join(here, '..') })
  const wall = (performance.now() - started) / 1000
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${r.status}): ${r.stderr}`)
  // `times` prints the shell's own times, then its children's: "0m1.610s 0m0.120s".
  const children = r.stdout.trim().split('\n')[1].split(' ').map((t) => {
    const [, min, sec] = /^(\d+)m([\d.]+)s$/.exec(t)!
    return Number(min) * 60 + Number(sec)
  })
  return { wall, cpu: children[0] + children[1], out: readFileSync(outFile, 'utf8') }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

function measure(label: string, runs: number, command: string, args: string[], outFile: string): { wall: number; cpu: number; json: Record<string, any> } {
  const results = Array.from({ length: runs }, () => timed(command, args, outFile))
  const wall = median(results.map((r) => r.wall))
  const cpu = median(results.map((r) => r.cpu))
  console.log(`  ${label}: ${wall.toFixed(2)} s wall, ${cpu.toFixed(2)} s CPU (median of ${runs}; wall ${results.map((r) => r.wall.toFixed(2)).join(', ')})`)
  return { wall, cpu, json: JSON.parse(results[results.length - 1].out) }
}

const n = Number(values.customers)
const runs = Number(values.runs)
const method = values['baseline-method']!
const load = os.loadavg()[0]
console.log(`bench/ltv: ${os.cpus().length} cores, load average ${load.toFixed(1)} at the start${load > os.cpus().length ? ' (a busy machine: wall times are stretched)' : ''}`)
const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-ltv-'))
const file = path.join(dir, 'summary.csv')
let started = performance.now()
await writeSummaryFile(file, n)
console.log(`  summary file: ${fmt(n)} customers (customer,frequency,recency,T,monetary_value; whole days), written in ${((performance.now() - started) / 1000).toFixed(1)} s`)
const pulse = measure('pulse ltv fit --summary (whole process)', runs, process.execPath, ['pipelines/pulse.mjs', 'ltv', 'fit', '--summary', file, '--json'], path.join(dir, 'pulse.json'))
const baseline = measure(`numpy/scipy BG/NBD + Gamma-Gamma fit (lifetimes' method${method === 'BFGS' ? ': BFGS with the analytic gradient' : `, ${method}`}; whole process)`, runs, 'python3', ['bench/bgnbd_fit_baseline.py', file, '--method', method], path.join(dir, 'baseline.json'))
const bg = (j: Record<string, any>) => `r ${j.bgnbd.r.toFixed(6)}, alpha ${j.bgnbd.alpha.toFixed(4)}, a ${j.bgnbd.a.toFixed(6)}, b ${j.bgnbd.b.toFixed(6)}, LL ${j.bgnbd.ll.toFixed(2)}; Gamma-Gamma p ${j.gammagamma.p.toFixed(5)}, q ${j.gammagamma.q.toFixed(5)}, v ${j.gammagamma.v.toFixed(4)}`
console.log(`  pulse:    ${bg(pulse.json)}`)
console.log(`  baseline: ${bg(baseline.json)}`)
const keys: [string, string][] = [['bgnbd', 'r'], ['bgnbd', 'alpha'], ['bgnbd', 'a'], ['bgnbd', 'b'], ['gammagamma', 'p'], ['gammagamma', 'q'], ['gammagamma', 'v']]
const worst = Math.max(...keys.map(([m, k]) => Math.abs(pulse.json[m][k] / baseline.json[m][k] - 1)))
console.log(`  largest relative difference of the estimates: ${worst.toExponential(1)}`)
console.log(`  ratio pulse / baseline: ${(pulse.wall / baseline.wall).toFixed(3)} wall, ${(pulse.cpu / baseline.cpu).toFixed(3)} CPU (target <= 0.2)`)
console.log(`  lifetimes itself, measured earlier (not in this run): ${LIFETIMES_EARLIER_SECONDS} s; pulse's wall time here is ${(pulse.wall / LIFETIMES_EARLIER_SECONDS).toFixed(3)} of it`)
rmSync(dir, { recursive: true, force: true })

if (values['in-process']) {
  console.log('  in-process fits, one thread:')
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
}
