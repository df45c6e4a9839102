// Pieces the benchmarks share: a `pulse serve` child, the load-generator child, polling
// ClickHouse through the query API, and reading a process's RSS.
import { spawn, type ChildProcess } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
export const BATCH = 100
export const WRITE_KEY = 'wk_bench'
export const READ_KEY = 'rk_bench'

export interface LoadResult {
  requests: number
  ok: number
  other: number
  errors: number
  statuses: Record<string, number>
  events: number
  seconds: number
  p50: number
  p99: number
  max: number
}

export function tsChild(file: string, args: string[]): ChildProcess {
  return spawn(process.execPath, [...process.execArgv, path.join(here, file), ...args], { stdio: ['ignore', 'pipe', 'inherit'] })
}

/**
 * Runs the load generator in its own process: full speed when `rate` (requests/s) is 0; users new
 * in every request, or with `persons` > 0 drawn from a pool of that many.
 */
export async function load(url: string, seconds: number, connections: number, rate: number, runId: string, persons = 0): Promise<LoadResult> {
  const child = tsChild('load-generator.ts', [url, WRITE_KEY, String(seconds), String(connections), String(rate), String(BATCH), runId, String(persons)])
  let out = ''
  child.stdout!.on('data', (d) => (out += d))
  await new Promise((r) => child.once('exit', r))
  return JSON.parse(out.trim().split('\n').pop()!) as LoadResult
}

/**
 * Node options for the served process, for profiling a bench (e.g. BENCH_NODE_ARGS="--cpu-prof
 * --cpu-prof-dir=/tmp/prof"), and BENCH_SERVE_STDOUT=1 to see its standard output (--trace-gc).
 */
const NODE_ARGS = process.env.BENCH_NODE_ARGS ? process.env.BENCH_NODE_ARGS.split(' ') : []
const SERVE_STDOUT = process.env.BENCH_SERVE_STDOUT ? 'inherit' : 'ignore'

/** `pulse serve` on embedded defaults in its own process. */
export function serve(dataDir: string, port: number, extra: string[] = []): ChildProcess {
  const args = [...NODE_ARGS, path.join(here, '..', 'pipelines', 'pulse.mjs'), 'serve', '--data-dir', dataDir, '--port', String(port), '--host', '127.0.0.1',
    '--write-key', WRITE_KEY, '--read-key', READ_KEY, '--log-level', 'warn', ...extra]
  return spawn(process.execPath, args, { stdio: ['ignore', SERVE_STDOUT, 'inherit'] })
}

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return
  const exited = new Promise((r) => child.once('exit', r))
  child.kill('SIGTERM')
  await exited
}

export function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Number(m[1]) / 1024 : 0
  } catch {
    return 0
  }
}

/** CPU seconds (user + system, all threads) a process and its children that ended so far have used; 0 once it is gone. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // After the name come the fields from the 3rd (state) on: utime, stime are the 14th, 15th (proc(5)).
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(f[11]) + Number(f[12])) / 100
  } catch {
    return 0
  }
}

/** The pid of a process's child whose command line holds `name` (Linux), or null. */
export function childPid(pid: number, name: string): number | null {
  try {
    for (const t of readdirSync(`/proc/${pid}/task`)) {
      for (const c of readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').trim().split(/\s+/).filter(Boolean)) {
        if (readFileSync(`/proc/${c}/cmdline`, 'utf8').includes(name)) return Number(c)
      }
    }
  } catch {
    // gone meanwhile
  }
  return null
}

/** Events visible in ClickHouse; throws if any is visible twice. */
export async function committed(url: string): Promise<number> {
  const res = await fetch(url + '/api/sql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${READ_KEY}` },
    body: JSON.stringify({ query: 'SELECT count() AS n, uniqExact(message_id) AS u FROM events' }),
  })
  const { rows } = (await res.json()) as { rows: Array<{ n: number; u: number }> }
  if (Number(rows[0].n) !== Number(rows[0].u)) throw new Error(`duplicates visible: ${rows[0].n} rows, ${rows[0].u} ids`)
  return Number(rows[0].n)
}

export async function waitHttp(url: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (await fetch(url).then((r) => r.ok, () => false)) return
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`${url} did not come up`)
}

export const fmt = (n: number) => Math.round(n).toLocaleString('en-US')

/** A counter or gauge from /metrics (cheap to poll, unlike a count over the events table). */
export async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(url + '/metrics')).text()
  const line = text.split('\n').find((l) => l.startsWith(name + ' '))
  return line ? Number(line.split(' ')[1]) : 0
}
