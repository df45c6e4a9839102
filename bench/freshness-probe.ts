// Freshness under load: every `intervalMs` the probe sends one marked event and times how long
// after its 200 answer a query first sees it (target: accepted -> visible, p95 <= 1 s at half load).
import { READ_KEY, WRITE_KEY } from './bench-harness.ts'

export interface Freshness {
  /** Probe events accepted (they count in the zero-loss check). */
  sent: number
  samples: number
  p50: number
  p95: number
  max: number
}

async function visible(url: string, id: string): Promise<boolean> {
  const res = await fetch(url + '/api/sql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${READ_KEY}` },
    body: JSON.stringify({ query: 'SELECT count() AS n FROM events WHERE message_id = {id:String}', params: { id } }),
  })
  const { rows } = (await res.json()) as { rows: Array<{ n: number }> }
  return Number(rows[0]?.n) > 0
}

async function probeOnce(url: string, id: string, onAccepted: () => void): Promise<number | null> {
  const body = JSON.stringify({ batch: [{ type: 'track', event: 'Freshness Probe', userId: 'probe', messageId: id }] })
  const res = await fetch(url + '/v1/batch', { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Basic ' + Buffer.from(WRITE_KEY + ':').toString('base64') }, body })
  if (res.status !== 200) return null
  onAccepted()
  const accepted = performance.now()
  while (performance.now() - accepted < 30_000) {
    if (await visible(url, id)) return performance.now() - accepted
    await new Promise((r) => setTimeout(r, 25))
  }
  return null
}

/** Probes until `until` resolves; one probe in flight at a time. */
export async function measureFreshness(url: string, runId: string, until: Promise<unknown>, intervalMs = 250): Promise<Freshness> {
  let done = false
  void until.then(() => (done = true))
  const latencies: number[] = []
  let sent = 0
  for (let i = 0; !done; i++) {
    const started = performance.now()
    const ms = await probeOnce(url, `${runId}-probe-${i}`, () => sent++)
    if (ms !== null) latencies.push(ms)
    const wait = intervalMs - (performance.now() - started)
    if (wait > 0 && !done) await new Promise((r) => setTimeout(r, wait))
  }
  latencies.sort((a, b) => a - b)
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN
  return { sent, samples: latencies.length, p50: pct(0.5), p95: pct(0.95), max: latencies.at(-1) ?? NaN }
}

