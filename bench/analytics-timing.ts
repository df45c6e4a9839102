// Timing one analysis for bench/analytics: a cold run (the engine's caches dropped first; the
// operating system's file cache stays) and the median of warm runs, with the process's peak RSS
// while they ran (chdb has no system.query_log, so the engine's memory is read from outside:
// sampled every 10 ms, the engine working on its own thread meanwhile).
import { readFileSync } from 'node:fs'

export interface Timing {
  coldMs: number
  warmMs: number[]
  medianWarmMs: number
  /** CPU time of the whole process (the engine's threads included) in the median warm run: on a busy machine a steadier figure than the wall time. */
  medianWarmCpuMs: number
  /** Highest RSS seen while the runs ran, and its rise over the RSS before them. */
  peakRssMb: number
  riseMb: number
}

function rssMb(): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))
  return m ? Number(m[1]) / 1024 : 0
}

export function peakRssMb(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))
  return m ? Number(m[1]) / 1024 : 0
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}

async function timed(run: () => Promise<unknown>): Promise<{ ms: number; cpuMs: number }> {
  const started = performance.now()
  const cpu = process.cpuUsage()
  await run()
  const used = process.cpuUsage(cpu)
  return { ms: performance.now() - started, cpuMs: (used.user + used.system) / 1000 }
}

export async function timeAnalysis(run: () => Promise<unknown>, dropCaches: () => Promise<void>, warmRuns: number): Promise<Timing> {
  const before = rssMb()
  let peak = before
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb())), 10)
  try {
    await dropCaches()
    const coldMs = (await timed(run)).ms
    const warm: Array<{ ms: number; cpuMs: number }> = []
    for (let i = 0; i < warmRuns; i++) warm.push(await timed(run))
    const warmMs = warm.map((w) => w.ms)
    return {
      coldMs, warmMs, medianWarmMs: median(warmMs), medianWarmCpuMs: median(warm.map((w) => w.cpuMs)),
      peakRssMb: Math.max(peak, rssMb()), riseMb: Math.max(peak, rssMb()) - before,
    }
  } finally {
    clearInterval(sampler)
  }
}

export function timingLine(name: string, t: Timing, answer: string): string {
  const s = (ms: number) => (ms / 1000).toFixed(2)
  return `  ${name}: cold ${s(t.coldMs)} s, warm median ${s(t.medianWarmMs)} s (${t.warmMs.map(s).join(', ')}; CPU ${s(t.medianWarmCpuMs)} s); RSS peak ${t.peakRssMb.toFixed(0)} MB (+${t.riseMb.toFixed(0)}); ${answer}`
}
