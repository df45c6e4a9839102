// `pulse serve` as a child process, as an operator runs it: for tests that kill it or signal it.
import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { READ_KEY, waitFor, WRITE_KEY } from './test-pulse.ts'

const cli = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'pipelines', 'pulse.mjs')

export interface PulseProcess {
  child: ChildProcess
  url: string
  /** Resolves with the exit code and signal, whenever the process ends. */
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

/** Starts `pulse serve` on loopback with the test keys; `args` adds or overrides flags. */
export function servePulse(dataDir: string, port: number, args: string[] = [], env: Record<string, string> = {}): PulseProcess {
  const all = [cli, 'serve', '--data-dir', dataDir, '--port', String(port), '--host', '127.0.0.1',
    '--write-key', `${WRITE_KEY}:test`, '--read-key', READ_KEY, '--log-level', 'warn', ...args]
  const child = spawn(process.execPath, all, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] })
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))
  return { child, url: `http://127.0.0.1:${port}`, exit }
}

export async function waitReady(p: PulseProcess, timeoutMs = 60_000): Promise<void> {
  let ended = false
  void p.exit.then(() => (ended = true))
  const status = await waitFor(() => fetch(p.url + '/readyz').then((r) => r.status, () => 0), (s) => s === 200 || ended, timeoutMs)
  if (status !== 200) throw new Error(`pulse serve on ${p.url} did not become ready (${ended ? 'it exited' : 'timed out'})`)
}

/** SIGTERM and wait for the exit (a bounded wait; SIGKILL after it). */
export async function stopPulse(p: PulseProcess, timeoutMs = 30_000): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return
  p.child.kill('SIGTERM')
  const timer = setTimeout(() => p.child.kill('SIGKILL'), timeoutMs)
  await p.exit
  clearTimeout(timer)
}
