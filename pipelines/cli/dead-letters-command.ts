// `pulse dead-letters replay`: once the cause of dead letters is fixed, re-submits their events
// through a running Pulse's normal ingest path, so they are validated again; they keep their
// message ids, so each is stored once however often it is replayed, and dead letters whose event
// is stored by now are left out (and reported as such).
import type { PulseConfig } from '../config.ts'
import { readDevKeys } from '../keys/dev-keys.ts'
import { query } from '../../sql/sql-files.ts'
import { replayPlan, type DeadLetter, type ReplayRoute } from './dead-letter-events.ts'
import { EventSender } from './event-sender.ts'
import { progressBar } from './progress-bar.ts'
import { sendTarget } from './send-target.ts'
import { userError } from './user-error.ts'

export interface DeadLettersReplayOptions {
  reason?: string
  since?: string
  dryRun: boolean
  url?: string
}

export interface DeadLettersReplaySummary {
  dryRun: boolean
  /** Dead letters that matched --reason and --since. */
  matched: number
  /** Their event is stored by now: nothing to send. */
  alreadyStored: number
  /** Of another source than the write key's: they need that source's key. */
  otherSource: number
  /** Not replayable (e.g. the raw text is not JSON), with why. */
  unreplayable: number
  /** Dead letters re-submitted (or, with --dry-run, that would be). */
  resent: number
  events: number
  rejected: number
  byReason: Record<string, number>
  problems: string[]
}

function sinceMs(since: string | undefined): number {
  if (since === undefined) return 0
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(since) ? Date.parse(since + 'T00:00:00Z') : Date.parse(since)
  if (!Number.isFinite(ms)) throw userError(`--since must be a date (YYYY-MM-DD) or an ISO time, got "${since}"`)
  return ms
}

async function deadLetters(url: string, readKey: string, reason: string, since: number): Promise<DeadLetter[]> {
  const res = await fetch(new URL('/api/sql', url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${readKey}` },
    body: JSON.stringify({ query: query('dead_letters_to_replay'), params: { reason, since_ms: since } }),
  })
  const body = (await res.json()) as { rows?: DeadLetter[]; error?: { message: string } }
  if (res.status === 401) throw userError(`the read key was refused by ${url}: pass --read-key with a read key of that Pulse`)
  if (/TOO_MANY_ROWS|Limit for result exceeded/i.test(body.error?.message ?? '')) {
    throw userError('more dead letters match than one query may return (--query-max-rows of that Pulse): replay them in parts with --since and --reason')
  }
  if (!res.ok) throw new Error(`reading dead letters failed (HTTP ${res.status}): ${body.error?.message}`)
  return body.rows ?? []
}

function sourceOfKey(config: PulseConfig, writeKey: string): string {
  return config.writeKeys.find((k) => k.key === writeKey)?.source ?? 'default'
}

export async function runDeadLettersReplay(opts: DeadLettersReplayOptions, config: PulseConfig): Promise<DeadLettersReplaySummary> {
  const since = sinceMs(opts.since)
  const target = sendTarget(opts.url, config, ' (dead letters are replayed through a running Pulse)')
  const readKey = config.readKeys[0] ?? readDevKeys(config.dataDir)?.readKey
  if (!readKey) throw userError('no read key: pass --read-key KEY (or PULSE_READ_KEYS) to read the dead letters')
  const source = sourceOfKey(config, target.writeKey)
  const rows = await deadLetters(target.url, readKey, opts.reason ?? '', since)
  const summary: DeadLettersReplaySummary = { dryRun: opts.dryRun, matched: rows.length, alreadyStored: 0, otherSource: 0, unreplayable: 0, resent: 0, events: 0, rejected: 0, byReason: {}, problems: [] }
  const toSend: Record<ReplayRoute, Record<string, unknown>[]> = { segment: [], posthog: [] }
  const seen = new Set<string>()
  for (const d of rows) {
    if (d.stored === true || d.stored === 1) {
      summary.alreadyStored++
      continue
    }
    if (d.source !== source) {
      summary.otherSource++
      continue
    }
    // A dead letter of the same event again (it was replayed before and refused again): once per run.
    if (d.message_id && seen.has(d.message_id)) continue
    if (d.message_id) seen.add(d.message_id)
    const plan = replayPlan(d)
    if (!plan.ok) {
      summary.unreplayable++
      if (summary.problems.length < 5) summary.problems.push(`stream message ${d.stream_seq} (${d.reason}): not replayed, ${plan.why}`)
      continue
    }
    summary.resent++
    summary.events += plan.events.length
    summary.byReason[d.reason] = (summary.byReason[d.reason] ?? 0) + 1
    toSend[plan.route].push(...plan.events)
  }
  if (opts.dryRun || summary.events === 0) return summary

  const bar = progressBar('replaying', 'events', 'events', summary.events)
  let done = 0
  try {
    for (const route of ['segment', 'posthog'] as const) {
      if (toSend[route].length === 0) continue
      const sender = new EventSender({
        url: target.url,
        writeKey: target.writeKey,
        batchSize: 100,
        concurrency: 4,
        rate: 0,
        ...(route === 'posthog' ? { path: '/batch', envelope: (batch: unknown[]) => ({ api_key: target.writeKey, batch }) } : {}),
      })
      for (const e of toSend[route]) {
        await sender.add(e)
        bar.update(++done, done)
      }
      const totals = await sender.flush()
      summary.rejected += totals.rejected
      summary.problems.push(...totals.problems)
    }
  } finally {
    bar.stop()
  }
  return summary
}

export function printDeadLettersReplay(s: DeadLettersReplaySummary): void {
  const verb = s.dryRun ? 'would re-submit' : 're-submitted'
  console.log(`${s.matched} dead letters matched; ${verb} ${s.resent} (${s.events} events)`)
  for (const [reason, n] of Object.entries(s.byReason)) console.log(`  ${reason}: ${n}`)
  if (s.alreadyStored) console.log(`${s.alreadyStored} skipped: their event is stored by now (replayed before)`)
  if (s.otherSource) console.log(`${s.otherSource} skipped: of another source; replay them with that source's key, given as --write-key KEY:SOURCE (the source is part of the key's setting)`)
  if (s.unreplayable) console.log(`${s.unreplayable} cannot be replayed`)
  if (s.rejected) console.log(`${s.rejected} events refused again by ingest (fix the cause first)`)
  for (const p of s.problems) console.log(`  ${p}`)
  if (!s.dryRun && s.resent) console.log('re-submitted events go through validation again: any still refused are dead-lettered anew')
}
