// Starts and stops a private `nats-server -js` (Debian package nats-server) on a free loopback
// port with its store in the data folder; used whenever NATS_URL is not set. The server never
// outlives Pulse: it is started under `setpriv --pdeathsig` (util-linux), so the kernel sends it
// SIGTERM when Pulse dies, even by SIGKILL; a server left by an older run is stopped first.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { freePort } from './free-port.ts'
import { removeNatsPidFile, stopStaleNatsServers, writeNatsPidFile } from './stale-nats.ts'

// Debian installs it in /usr/sbin, which a non-root PATH often lacks; else the PATH decides.
const CANDIDATES = ['/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server']

export class NatsServerMissing extends Error {
  readonly userFacing = true
  constructor() {
    super('nats-server is not installed: run `npm run setup` (installs the Debian package), or `apt-get install nats-server`, or point Pulse at a running NATS with --nats-url / NATS_URL')
  }
}

export function findNatsServer(): string {
  return CANDIDATES.find((c) => existsSync(c)) ?? 'nats-server'
}

const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((c) => existsSync(c))
/** setpriv's exit code when it cannot execute the program (like a shell's). */
const NOT_EXECUTABLE = 127

/** The command line that ties the server's life to this process, where setpriv exists. */
function commandLine(bin: string, args: string[]): [string, string[]] {
  return SETPRIV ? [SETPRIV, ['--pdeathsig', 'TERM', bin, ...args]] : [bin, args]
}

export interface EmbeddedNats {
  url: string
  port: number
  process: ChildProcess
  stop(): Promise<void>
}

function waitForPort(port: number, child: ChildProcess, stderr: () => string, timeoutMs = 15000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  return new Promise((resolve, reject) => {
    const attempt = () => {
      if (child.exitCode === NOT_EXECUTABLE && SETPRIV) return reject(new NatsServerMissing())
      if (child.exitCode !== null) return reject(new Error(`nats-server exited with code ${child.exitCode}: ${stderr().slice(-500)}`))
      const sock = net.connect(port, '127.0.0.1')
      sock.once('connect', () => {
        sock.destroy()
        resolve()
      })
      sock.once('error', () => {
        sock.destroy()
        if (Date.now() > deadline) reject(new Error(`nats-server did not listen on port ${port} within ${timeoutMs} ms`))
        else setTimeout(attempt, 50)
      })
    }
    attempt()
  })
}

/** NATS refuses messages above max_payload (1 MiB by default); a request is one message. */
export const NATS_MAX_PAYLOAD_LIMIT = 64 * 1024 * 1024
/** Room for the headers Pulse adds to each stored request. */
export const PAYLOAD_HEADROOM = 64 * 1024

export interface NatsServerOptions {
  /** Largest message the server takes: the largest request body plus headroom for headers. */
  maxPayload?: number
  /** Called when the server exited by itself and was started again (or could not be). */
  onRestart?: (info: { code: number | null; signal: string | null; restarted: boolean; error?: string }) => void
}

interface Launched {
  child: ChildProcess
  ready: Promise<void>
}

function launch(bin: string, store: string, port: number, configFile: string): Launched {
  const [command, args] = commandLine(bin, ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', store, '-c', configFile])
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] })
  if (child.pid) writeNatsPidFile(store, child.pid) // setpriv execs the server: same pid
  const missing = new Promise<never>((_, reject) =>
    child.once('error', (e: NodeJS.ErrnoException) => reject(e.code === 'ENOENT' ? new NatsServerMissing() : e)),
  )
  missing.catch(() => {}) // observed through the race below; never left unhandled
  let err = ''
  child.stderr!.on('data', (d: Buffer) => {
    err = (err + d.toString()).slice(-4000)
  })
  child.once('exit', () => removeNatsPidFile(store, child.pid!))
  const ready = Promise.race([waitForPort(port, child, () => err), missing]).catch((e) => {
    child.kill('SIGKILL')
    throw e
  })
  return { child, ready }
}

/**
 * Starts nats-server with JetStream on `port` (a free one when omitted), storing under `storeDir`.
 * A server that exits by itself (killed, out of memory) is started again on the same port and
 * store, so the NATS client reconnects and accepted requests are still there.
 */
export async function startNatsServer(storeDir: string, port?: number, opts: NatsServerOptions = {}): Promise<EmbeddedNats> {
  const bin = findNatsServer()
  const store = path.resolve(storeDir)
  mkdirSync(store, { recursive: true })
  await stopStaleNatsServers(store)
  const p = port ?? (await freePort())
  const configFile = path.join(store, 'nats-server.conf')
  writeFileSync(configFile, `# Written by Pulse at each start.\nmax_payload: ${Math.min(opts.maxPayload ?? 8 * 1024 * 1024, NATS_MAX_PAYLOAD_LIMIT)}\n`)
  let current = launch(bin, store, p, configFile)
  await current.ready
  let stopping = false
  let failures = 0
  const supervise = (l: Launched) => {
    l.child.once('exit', (code, signal) => {
      if (stopping) return
      // Started again for as long as Pulse runs, waiting longer after each failed start (0.25 s
      // doubling to 10 s): a port held for a while, or a full disk, clears without a person.
      const delay = Math.min(10_000, 250 * 2 ** failures)
      setTimeout(() => {
        if (stopping) return
        current = launch(bin, store, p, configFile)
        supervise(current)
        current.ready.then(
          () => {
            failures = 0
            opts.onRestart?.({ code, signal, restarted: true })
          },
          (e) => {
            failures++
            opts.onRestart?.({ code, signal, restarted: false, error: String((e as Error).message ?? e) })
          },
        )
      }, delay)
    })
  }
  supervise(current)
  const stop = () =>
    new Promise<void>((resolve) => {
      stopping = true
      const child = current.child
      if (child.exitCode !== null || child.signalCode !== null) return resolve()
      const kill = setTimeout(() => child.kill('SIGKILL'), 5000)
      child.once('exit', () => {
        clearTimeout(kill)
        resolve()
      })
      child.kill('SIGTERM')
    })
  return {
    url: `nats://127.0.0.1:${p}`,
    port: p,
    get process() {
      return current.child
    },
    stop,
  }
}
