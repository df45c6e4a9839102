// GET /dashboards/: the last written dashboards, read-only, behind a read key given as a Bearer
// token or as Basic authentication (so a browser asks for it); nothing outside the folder.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningPulse } from '../pipelines/pulse-app.ts'
import { READ_KEY, WRITE_KEY, basicAuth, startTestPulse } from './helpers/test-pulse.ts'

let pulse: RunningPulse

beforeAll(async () => {
  pulse = await startTestPulse('dashboard-routes')
  writeFileSync(path.join(pulse.config.dataDir, 'secret.txt'), 'not for the web')
})

afterAll(async () => {
  await pulse?.stop()
})

/** A raw GET, so that the path reaches the server exactly as written (fetch would normalise `..`). */
function get(rawPath: string, authorization?: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const url = new URL(pulse.url)
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path: rawPath, headers: authorization ? { authorization } : {} }, (res) => {
      let body = ''
      res.on('data', (c) => (body += c))
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('GET /dashboards/', () => {
  it('asks a browser for a key, and says how to write dashboards while there are none', async () => {
    const anonymous = await get('/dashboards/')
    expect([anonymous.status, anonymous.headers['www-authenticate']]).toEqual([401, 'Basic realm="Pulse dashboards", charset="UTF-8"'])
    expect((await get('/dashboards/', basicAuth(WRITE_KEY))).status).toBe(401)
    const none = await get('/dashboards/', `Bearer ${READ_KEY}`)
    expect([none.status, JSON.parse(none.body).error.code]).toEqual([404, 'no_dashboards'])
  })

  it('serves the written pages and their CSV files to a read key, and nothing else of the data folder', async () => {
    const folder = path.join(pulse.config.dataDir, 'dashboards')
    mkdirSync(path.join(folder, 'data'), { recursive: true })
    writeFileSync(path.join(folder, 'index.html'), '<!doctype html><title>Pulse</title>')
    writeFileSync(path.join(folder, 'data', 'events.csv'), 'day,events\n2026-01-01,3\n')
    writeFileSync(path.join(folder, '.hidden'), 'dot file')
    // Links placed in the folder that lead out of it.
    symlinkSync(path.join(pulse.config.dataDir, 'secret.txt'), path.join(folder, 'link-out'))
    symlinkSync(pulse.config.dataDir, path.join(folder, 'dir-out'))
    const index = await get('/dashboards/', basicAuth(READ_KEY))
    expect([index.status, index.headers['content-type'], index.body]).toEqual([200, 'text/html; charset=utf-8', '<!doctype html><title>Pulse</title>'])
    expect((await get('/dashboards/data/events.csv', `Bearer ${READ_KEY}`)).body).toBe('day,events\n2026-01-01,3\n')
    for (const probe of ['/dashboards/../secret.txt', '/dashboards/..%2fsecret.txt', '/dashboards/%2e%2e/secret.txt', '/dashboards/data/..%2f..%2fsecret.txt', '/dashboards/%252e%252e/secret.txt', '/dashboards/.hidden', '/dashboards/%2ehidden', '/dashboards/data/', '/dashboards/link-out', '/dashboards/dir-out/secret.txt']) {
      const res = await get(probe, `Bearer ${READ_KEY}`)
      expect([probe, res.status < 400 ? res.status : 'refused', res.body.includes('not for the web') || res.body.includes('dot file')]).toEqual([probe, 'refused', false])
    }
  })
})
