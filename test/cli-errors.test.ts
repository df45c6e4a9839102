// CLI commands facing a broken environment say what is wrong and what to do, in one line and
// without a stack trace: a corrupt <data-dir>/server.json, a --url that answers with something
// other than Pulse's JSON (a proxy's error page), and a --url where nothing listens.
import { execFile } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from '../pipelines/runtime/free-port.ts'
import { tempDir } from './helpers/test-pulse.ts'

const run = promisify(execFile)
const cli = path.resolve(import.meta.dirname, '../pipelines/pulse.mjs')
let proxy: Server
let proxyUrl: string

async function failure(args: string[]): Promise<{ code: number; stderr: string }> {
  const err = await run(process.execPath, [cli, ...args]).then(
    () => ({ code: 0, stderr: '' }),
    (e: { code: number; stderr: string }) => e,
  )
  expect(err.stderr).not.toMatch(/^\s+at /m)
  return { code: err.code, stderr: err.stderr.trim() }
}

beforeAll(async () => {
  // What a reverse proxy answers while Pulse behind it is down.
  proxy = createServer((_req, res) => res.writeHead(502, { 'content-type': 'text/html' }).end('<html><body><h1>502 Bad Gateway</h1></body></html>'))
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve))
  proxyUrl = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`
})
afterAll(() => new Promise<void>((resolve) => proxy.close(() => resolve())))

describe('CLI errors a person can fix', () => {
  it('a corrupt server.json: names the file and says to delete it or pass --url', async () => {
    const dataDir = tempDir('cli-errors-corrupt')
    writeFileSync(path.join(dataDir, 'server.json'), '{"url": "http://127.0.0.1:8080", "pi')
    const results = await Promise.all([
      failure(['sql', 'SELECT 1', '--data-dir', dataDir]),
      failure(['ltv', 'refresh', '--data-dir', dataDir]),
      failure(['simulate', '--customers', '1', '--data-dir', dataDir]),
    ])
    for (const r of results) {
      expect(r.code).toBe(1)
      expect(r.stderr).toContain(`${path.join(dataDir, 'server.json')} cannot be read as a Pulse server file`)
      expect(r.stderr).toContain('delete it; else pass --url URL')
    }
    writeFileSync(path.join(dataDir, 'server.json'), '[]')
    const shape = await failure(['sql', 'SELECT 1', '--data-dir', dataDir])
    expect(shape.stderr).toContain('does not hold a Pulse server\'s url and pid')
  })

  it('a server that answers with something else than JSON: says so, with the status and the start of the body', async () => {
    const results = await Promise.all([
      failure(['sql', 'SELECT 1', '--url', proxyUrl, '--read-key', 'rk']),
      failure(['ltv', 'refresh', '--url', proxyUrl, '--admin-key', 'ak']),
    ])
    for (const r of results) {
      expect(r.code).toBe(1)
      expect(r.stderr).toContain(`${proxyUrl} answered`)
      expect(r.stderr).toContain('HTTP 502 and a body that is not Pulse\'s JSON ("<html><body><h1>502 Bad Gateway</h1></body></html>")')
    }
  })

  it('nothing listening at --url: says it cannot reach it', async () => {
    const url = `http://127.0.0.1:${await freePort()}`
    const r = await failure(['sql', 'SELECT 1', '--url', url, '--read-key', 'rk'])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(`pulse: cannot reach ${url} (ECONNREFUSED): is Pulse running there?`)
  })
})
