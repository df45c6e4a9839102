// bench/analysis-repeat: the month's 5-step funnel run again and again on a folder bench/analytics
// loaded, as a server sees it (one request every --gap-ms), with each run's wall, CPU and system
// time. Once with the engine's allocator at its own defaults and once with the options `pulse`
// sets (pipelines/config.ts, useEngineAllocatorDefaults), each in a process of its own (the
// allocator reads them when chdb loads). Shows the memory faulted in again when freed pages go back
// to the system between requests, and the fourth run's compilation of the statement's expressions.
// Usage: npm run bench:analysis-repeat -- --data-dir DIR [--runs 12] [--gap-ms 1000]
// (DIR: a folder `npm run bench:analytics -- --data-dir DIR` has loaded)
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { ENGINE_ALLOCATOR_CONF } from '../pipelines/config.ts'

const { values } = parseArgs({ options: { 'data-dir': { type: 'string' }, runs: { type: 'string', default: '12' }, 'gap-ms': { type: 'string', default: '1000' } } })
if (!values['data-dir']) throw new Error('give --data-dir: a folder bench/analytics loaded (npm run bench:analytics -- --data-dir DIR)')
const here = path.dirname(fileURLToPath(import.meta.url))
const tsx = path.join(here, '..', 'node_modules', '.bin', 'tsx')
console.log(`bench/analysis-repeat: the month's 5-step funnel, ${values.runs} runs ${values['gap-ms']} ms apart, on ${values['data-dir']}`)
for (const [label, conf] of [['allocator defaults (JE_MALLOC_CONF empty)', ''], [`pulse's allocator options (${ENGINE_ALLOCATOR_CONF})`, ENGINE_ALLOCATOR_CONF]]) {
  const child = spawnSync(tsx, [path.join(here, 'analysis-repeat-runs.ts'), values['data-dir'], values.runs!, values['gap-ms']!], {
    env: { ...process.env, JE_MALLOC_CONF: conf },
    encoding: 'utf8',
  })
  if (child.status !== 0) throw new Error(`the runs with ${label} failed: ${child.stderr}`)
  console.log(`  ${label}:\n    ${child.stdout.trim()}`)
}
