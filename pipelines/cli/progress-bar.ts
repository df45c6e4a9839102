// Progress for long-running commands: a bar on a terminal, a status line every few seconds
// otherwise (logs, CI), with the rate of what is being counted.
import { Presets, SingleBar } from 'cli-progress'

export interface Progress {
  update(done: number, counted: number): void
  stop(): void
}

/** `total` items of `unit` (e.g. people); `counted` is the thing whose rate is shown (e.g. events). */
export function progressBar(label: string, unit: string, counted: string, total: number): Progress {
  const started = performance.now()
  const bar = new SingleBar(
    {
      format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit} | {counted} ${counted} | {rate} ${counted}/s`,
      stream: process.stderr,
      noTTYOutput: true,
      notTTYSchedule: 5000,
      hideCursor: true,
    },
    Presets.shades_classic,
  )
  bar.start(total, 0, { counted: 0, rate: 0 })
  return {
    update(done, n) {
      const seconds = (performance.now() - started) / 1000
      bar.update(done, { counted: n.toLocaleString('en-US'), rate: Math.round(n / Math.max(seconds, 0.001)).toLocaleString('en-US') })
    },
    stop: () => bar.stop(),
  }
}
