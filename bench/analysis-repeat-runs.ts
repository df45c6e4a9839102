// One process of bench/analysis-repeat: the month's 5-step funnel on the analysis session, run
// `runs` times `gapMs` apart; prints each run's wall / CPU / system milliseconds.
// Usage (by bench/analysis-repeat.ts): tsx bench/analysis-repeat-runs.ts DATA_DIR RUNS GAP_MS
import './engine-allocator-setup.ts'
import path from 'node:path'
import { parseFunnelRequest } from '../models/analytics/funnel-request.ts'
import { runFunnel } from '../sql/analytics/funnel-query.ts'
import { openClickHouse } from '../sql/clickhouse-client.ts'
import { defaultQueryLimits } from '../sql/read-path/read-session-settings.ts'

const [dir, runsArg, gapArg] = process.argv.slice(2)
const NOW = Date.UTC(2027, 0, 1)
const FIVE_STEPS = ['Product Viewed', 'Product Added', 'Checkout Started', 'Payment Info Entered', 'Order Completed']
const request = parseFunnelRequest({ steps: FIVE_STEPS.map((event) => ({ event })), window: '7d', from: '2026-11-01', to: '2026-12-01' }, NOW)
const ch = await openClickHouse({ user: 'default', password: '', database: 'bench_analytics', embeddedPath: path.join(dir, 'clickhouse'), readLimits: { ...defaultQueryLimits } })
const runs: string[] = []
for (let i = 0; i < Number(runsArg); i++) {
  const cpu = process.cpuUsage()
  const started = performance.now()
  await runFunnel(ch.analysisClient!, request, NOW)
  const used = process.cpuUsage(cpu)
  runs.push(`${(performance.now() - started).toFixed(0)}/${((used.user + used.system) / 1000).toFixed(0)}/${(used.system / 1000).toFixed(0)}`)
  await new Promise((r) => setTimeout(r, Number(gapArg)))
}
console.log(`wall/CPU/system ms per run: ${runs.join(' ')}`)
await ch.close()
