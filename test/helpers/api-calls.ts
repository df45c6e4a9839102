// The calls the analysis tests make on a running Pulse: a JSON POST to the API with a key, and the
// `pulse` CLI pointed at it with the read key.
import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import { READ_KEY } from './test-pulse.ts'

const run = promisify(execFile)
const cli = path.resolve(import.meta.dirname, '../../pipelines/pulse.mjs')

/** POSTs `body` (a value, or text sent as it is) to `route`, with `key` as the bearer (none when null). */
export async function postJson(url: string, route: string, body: unknown, key: string | null = READ_KEY): Promise<{ status: number; json: any }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (key) headers.authorization = `Bearer ${key}`
  const res = await fetch(url + route, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) })
  return { status: res.status, json: await res.json() }
}

/** Runs `pulse <args> --url <url> --read-key <read key>`; a non-zero exit is returned, not thrown. */
export async function runPulseCli(url: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return run(process.execPath, [cli, ...args, '--url', url, '--read-key', READ_KEY]).then(
    (ok) => ({ code: 0, stdout: ok.stdout, stderr: ok.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  )
}
