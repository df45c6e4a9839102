// What a person can get wrong on the command line ends in one line on stderr saying what is wrong
// and what to do, exit status 1, no stack trace, and at once (no hang, no silent retries): queries
// the engine refuses, URLs that are not URLs, files that are not CSV or are folders, output paths
// that cannot be written, a data folder without a stream, listen options, impossible dates and
// model fits that are not usable.
import { execFile } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import net from 'node:net'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from '../pipelines/runtime/free-port.ts'
import { tempDir } from './helpers/test-pulse.ts'

const run = promisify(execFile)
const cli = path.resolve(import.meta.dirname, '../pipelines/pulse.mjs')
const CDNOW_SUMMARY = path.resolve(import.meta.dirname, 'fixtures/cdnow/cdnow_customers_summary_with_transactions.csv')
// Long enough for a loaded machine to start the CLI; far shorter than the sender's retries.
const AT_ONCE_MS = 30_000

interface Outcome {
  code: number | string
  stdout: string
  /** The last line of stderr (a progress bar may come before it). */
  line: string
}

async function pulse(...args: string[]): Promise<Outcome> {
  const r = await run(process.execPath, [cli, ...args], { timeout: AT_ONCE_MS, killSignal: 'SIGKILL' }).then(
    (ok) => ({ code: 0 as number | string, stdout: ok.stdout, stderr: ok.stderr }),
    (e: { code: number | null; signal?: string; stdout: string; stderr: string }) => ({ code: e.code ?? `killed (${e.signal})`, stdout: e.stdout, stderr: e.stderr }),
  )
  expect(r.stderr).not.toMatch(/^\s+at /m)
  expect(r.stderr).not.toContain('pulse: failed:')
  const lines = r.stderr.trim().split('\n')
  return { code: r.code, stdout: r.stdout, line: lines[lines.length - 1] }
}

/** A data folder as a stopped Pulse leaves it (its engine's folder exists). */
function dataFolder(name: string): string {
  const dir = tempDir(name)
  mkdirSync(path.join(dir, 'clickhouse'))
  return dir
}

function file(dir: string, name: string, text: string): string {
  const p = path.join(dir, name)
  writeFileSync(p, text)
  return p
}

let anyAnswer: Server
let anyAnswerUrl: string

beforeAll(async () => {
  // Answers every request with 200: a target that is reachable, so a command gets to read its file.
  anyAnswer = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'))
  await new Promise<void>((resolve) => anyAnswer.listen(0, '127.0.0.1', resolve))
  anyAnswerUrl = `http://127.0.0.1:${(anyAnswer.address() as { port: number }).port}`
})
afterAll(() => new Promise<void>((resolve) => anyAnswer.close(() => resolve())))

describe('pulse sql', () => {
  it('a query refused by the checks or by the engine: the reason in one line', async () => {
    const cases = [
      ['selec 1', 'pulse: query refused: send exactly one statement, a SELECT: Syntax error'],
      ['SELECT no_such_column', 'pulse: the engine refused the query: Unknown expression identifier `no_such_column`'],
      ["SELECT * FROM file('/etc/passwd')", 'pulse: query refused: table function file() is not allowed'],
      ['SELECT 1; DROP TABLE events', 'pulse: query refused: send one statement per call'],
    ]
    // One data folder each: the embedded engine holds its folder for one process at a time.
    const results = await Promise.all(cases.map(([query], i) => pulse('sql', query, '--data-dir', dataFolder(`cli-usage-sql-${i}`))))
    results.forEach((r, i) => {
      expect(r.code).toBe(1)
      expect(r.line).toContain(cases[i][1])
    })
  })

  it('an unknown --format is refused with the allowed ones', async () => {
    const r = await pulse('sql', 'SELECT 1', '--format', 'xml', '--data-dir', tempDir('cli-usage-format'))
    expect(r.code).toBe(1)
    expect(r.line).toBe('pulse: --format must be table, json, csv, got xml')
  })

  it('a --data-dir without Pulse data: says so, and creates nothing there', async () => {
    const missing = path.join(tempDir('cli-usage-nodata'), 'mistyped')
    const r = await pulse('sql', 'SELECT 1', '--data-dir', missing)
    expect(r.code).toBe(1)
    expect(r.line).toContain(`there is no Pulse data in ${missing}`)
    expect(existsSync(missing)).toBe(false)
  })
})

describe('--url that is not a URL', () => {
  it('sql, ltv refresh and simulate say so', async () => {
    const results = await Promise.all([
      pulse('sql', 'SELECT 1', '--url', 'notaurl', '--read-key', 'rk'),
      pulse('ltv', 'refresh', '--url', 'notaurl', '--admin-key', 'ak'),
      pulse('simulate', '--customers', '1', '--days', '1', '--url', 'notaurl', '--write-key', 'wk'),
    ])
    for (const r of results) {
      expect(r.code).toBe(1)
      expect(r.line).toBe('pulse: --url "notaurl" is not a URL: pass the base URL of a running Pulse, like http://127.0.0.1:8080')
    }
  })
})

describe('sending to a --url where nothing listens', () => {
  it('simulate and import fail at once with "cannot reach"', async () => {
    const url = `http://127.0.0.1:${await freePort()}`
    const csv = file(tempDir('cli-usage-unreachable'), 'orders.csv', 'user,time\nu1,2024-01-01\n')
    const results = await Promise.all([
      pulse('simulate', '--customers', '10', '--days', '5', '--url', url, '--write-key', 'wk'),
      pulse('import', csv, '--user-col', 'user', '--time-col', 'time', '--url', url, '--write-key', 'wk'),
    ])
    for (const r of results) {
      expect(r.code).toBe(1)
      expect(r.line).toBe(`pulse: cannot reach ${url} (ECONNREFUSED): is Pulse running there? Check --url or --data-dir`)
    }
  })
})

describe('files and folders', () => {
  it('a CSV with a quote never closed: names the file and the problem', async () => {
    const dir = tempDir('cli-usage-csv')
    const summary = file(dir, 'summary.csv', 'id,frequency,recency,T\n"c1,1,2,3\n')
    const orders = file(dir, 'orders.csv', 'user,time\n"u1,2024-01-01\n')
    const results = await Promise.all([
      pulse('ltv', 'fit', '--summary', summary),
      pulse('import', orders, '--user-col', 'user', '--time-col', 'time', '--url', anyAnswerUrl, '--write-key', 'wk'),
    ])
    results.forEach((r, i) => {
      expect(r.code).toBe(1)
      expect(r.line).toMatch(new RegExp(`^pulse: ${[summary, orders][i]} cannot be read as CSV: Quote Not Closed`))
    })
  })

  it('--predict in a folder that does not exist, or a folder: says which', async () => {
    const dir = tempDir('cli-usage-predict')
    const results = await Promise.all([
      pulse('ltv', 'fit', '--summary', CDNOW_SUMMARY, '--predict', path.join(dir, 'missing', 'p.csv'), '--horizon', '10'),
      pulse('ltv', 'fit', '--summary', CDNOW_SUMMARY, '--predict', dir, '--horizon', '10'),
    ])
    expect(results.map((r) => r.code)).toEqual([1, 1])
    expect(results[0].line).toBe(`pulse: --predict ${path.join(dir, 'missing', 'p.csv')}: cannot write there (its folder does not exist): give a file path in a folder that exists`)
    expect(results[1].line).toBe(`pulse: --predict ${dir}: cannot write there (it is a folder): give a file path in a folder that exists`)
  })

  it('simulate --out on a file or where no folder can be made, serve --data-dir on a file, import of a folder', async () => {
    const dir = tempDir('cli-usage-out')
    const plain = file(dir, 'plain.txt', 'not a folder')
    const [onFile, inProc, serve, importDir] = await Promise.all([
      pulse('simulate', '--customers', '10', '--days', '5', '--out', plain),
      pulse('simulate', '--customers', '10', '--days', '5', '--out', '/proc/nope'),
      pulse('serve', '--data-dir', plain, '--port', '0'),
      pulse('import', dir, '--url', anyAnswerUrl, '--write-key', 'wk'),
    ])
    expect([onFile, inProc, serve, importDir].map((r) => r.code)).toEqual([1, 1, 1, 1])
    expect(onFile.line).toBe(`pulse: --out ${plain} is a file, not a folder: pick a folder (it is made if missing)`)
    expect(inProc.line).toBe('pulse: --out /proc/nope: the folder cannot be made (ENOENT): pick a folder you may write')
    expect(serve.line).toBe(`pulse: ${plain} exists and is not a folder: pick a folder (or a new path)`)
    expect(importDir.line).toBe(`pulse: ${dir} is a folder: give the file to import`)
  })

  it('replay on a data folder that has no event stream yet', async () => {
    const r = await pulse('replay', '--data-dir', tempDir('cli-usage-replay'))
    expect(r.code).toBe(1)
    expect(r.line).toBe('pulse: no event stream here yet (stream not found): start `pulse serve` on this data folder first, or check --data-dir and --stream')
  })
})

describe('pulse serve listen options', () => {
  let taken: net.Server
  beforeAll(async () => {
    taken = net.createServer()
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
  })
  afterAll(() => new Promise<void>((resolve) => taken.close(() => resolve())))

  it('a port in use, a host that is not an address, a --trust-proxy that is not one', async () => {
    const port = (taken.address() as net.AddressInfo).port
    const [inUse, host, proxy] = await Promise.all([
      pulse('serve', '--data-dir', tempDir('cli-usage-port'), '--host', '127.0.0.1', '--port', String(port)),
      pulse('serve', '--data-dir', tempDir('cli-usage-host'), '--host', '300.1.1.1', '--port', '0'),
      pulse('serve', '--data-dir', tempDir('cli-usage-proxy'), '--host', '127.0.0.1', '--port', '0', '--trust-proxy', 'notanip'),
    ])
    expect([inUse, host, proxy].map((r) => r.code)).toEqual([1, 1, 1])
    expect(inUse.line).toBe(`pulse: port ${port} is in use: pick another with --port (or stop what listens there)`)
    expect(host.line).toMatch(/^pulse: --host 300\.1\.1\.1 is not an address of this machine \(E[A-Z_]+\): pass one of its addresses, or 0\.0\.0\.0 for all$/)
    expect(proxy.line).toBe('pulse: --trust-proxy: invalid IP address: notanip: pass IP addresses or CIDR ranges, like 10.0.0.0/8')
  })
})

describe('dates that do not exist, and simulated spans Pulse cannot store', () => {
  it('are refused before anything runs', async () => {
    const dir = tempDir('cli-usage-dates')
    mkdirSync(path.join(dir, 'out'))
    const [calibration, asOf, feb31, early, late] = await Promise.all([
      pulse('ltv', 'fit', '--transactions', CDNOW_SUMMARY, '--customer-col', 'ID', '--date-col', 'T', '--amount-col', 'T', '--calibration-end', '2024-02-30'),
      pulse('ltv', 'refresh', '--data-dir', dir, '--as-of', '2024-02-30'),
      pulse('simulate', '--customers', '1', '--days', '5', '--start', '2024-02-31', '--out', path.join(dir, 'out')),
      pulse('simulate', '--customers', '1', '--days', '5', '--start', '1800-01-01', '--out', path.join(dir, 'out')),
      pulse('simulate', '--customers', '1', '--days', '3650', '--start', '2290-12-01', '--out', path.join(dir, 'out')),
    ])
    expect([calibration, asOf, feb31, early, late].map((r) => r.code)).toEqual([1, 1, 1, 1, 1])
    expect(calibration.line).toBe('pulse: --calibration-end "2024-02-30" must be a date that exists, like 1997-09-30')
    expect(asOf.line).toBe('pulse: --as-of "2024-02-30" must be a date that exists, like 1997-09-30, or an ISO-8601 time')
    expect(feb31.line).toBe('pulse: --start "2024-02-31" must be a date that exists, like 2025-01-31')
    expect(early.line).toBe('pulse: --start 1800-01-01 with --days 5 leaves 1900-01-01..2299-12-31, the times Pulse stores: pick a start inside it')
    expect(late.line).toBe('pulse: --start 2290-12-01 with --days 3650 leaves 1900-01-01..2299-12-31, the times Pulse stores: pick a start inside it')
  })
})

describe('pulse ltv fit on data it cannot use', () => {
  it('a summary row with recency greater than T: the line is named', async () => {
    const summary = file(tempDir('cli-usage-recency'), 'summary.csv', 'id,frequency,recency,T,monetary\nc0,1,2,3,10\nc1,5,10,3,10\n')
    const r = await pulse('ltv', 'fit', '--summary', summary)
    expect(r.code).toBe(1)
    expect(r.line).toBe('pulse: line 3 of the summary: recency 10 is greater than T 3 (a last purchase after the end of the period): check the file and its column names')
  })

  it('a fit that is not usable prints the fit, then exits 1 saying why', async () => {
    const dir = tempDir('cli-usage-unusable')
    // One repeat customer: Gamma-Gamma cannot be identified.
    const single = file(dir, 'single.csv', 'id,frequency,recency,T,monetary\nc1,2,5,10,12.5\nc2,0,0,8,0\nc3,0,0,9,0\n')
    // Two identical customers: BG/NBD runs off to the edge of its parameter space.
    const twins = file(dir, 'twins.csv', 'id,frequency,recency,T,monetary\nc1,1,5,10,10\nc2,1,5,10,10\n')
    const [one, two] = await Promise.all([pulse('ltv', 'fit', '--summary', single), pulse('ltv', 'fit', '--summary', twins, '--json')])
    expect(one.code).toBe(1)
    expect(one.stdout).toContain('BG/NBD (log-likelihood')
    expect(one.stdout).toContain('Gamma-Gamma: not identifiable')
    expect(one.line).toBe('pulse: the fit on 3 customers is not usable (Gamma-Gamma is not identifiable: it needs at least two repeat customers with different mean spends): fit on more customers (more of them buying again), or a longer period')
    expect(two.code).toBe(1)
    expect(JSON.parse(two.stdout)).toMatchObject({ customers: 2, converged: false })
    expect(two.line).toContain('BG/NBD did not converge')
  })
})
