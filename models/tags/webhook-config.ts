// A webhook: where tag changes and alerts matching a subject pattern are POSTed, and how hard to try.
import { createHash } from 'node:crypto'

export interface WebhookConfig {
  /** Names the webhook in the delivery log and its durable consumer; defaults to the url. */
  name?: string
  /** A NATS subject pattern on the changes stream, wildcards allowed: `pulse.tags.*.added`, `pulse.alerts.>`, `pulse.audiences.>`. */
  subjects: string
  url: string
  /** Signs each body (Pulse-Signature); shared with the receiver. */
  secret: string
  /** Requests waiting for an answer at once; more are not fetched meanwhile. */
  maxInFlight?: number
  /** An answer slower than this counts as a failure and is retried. */
  timeoutMs?: number
  /** A message still undelivered this long after it was published is recorded as failed and dropped. */
  maxRetryAgeMs?: number
}

export const WEBHOOK_DEFAULTS = {
  maxInFlight: 4,
  timeoutMs: 10_000,
  maxRetryAgeMs: 72 * 3600_000,
} as const

export type ResolvedWebhook = Required<WebhookConfig>

/** A subject pattern on the changes stream: `*` a whole token, `>` only the last one. */
function isChangesPattern(subjects: string): boolean {
  const tokens = subjects.split('.')
  const wellFormed = tokens.every((t, i) => t !== '' && !/\s/.test(t) && (t === '*' || t === '>' ? i > 0 : !/[*>]/.test(t)) && (t !== '>' || i === tokens.length - 1))
  return wellFormed && tokens[0] === 'pulse' && ['tags', 'alerts', 'audiences', '*', '>'].includes(tokens[1] ?? '')
}

/** The webhook with its defaults, or an error saying what to fix. */
export function resolveWebhook(w: WebhookConfig): ResolvedWebhook {
  // Not the url itself: it may carry a token, and the delivery log is readable with a read key.
  const name = w.name ?? `webhook-${createHash('sha256').update(w.url ?? '').digest('hex').slice(0, 12)}`
  const problem = (what: string) => new Error(`webhook ${JSON.stringify(name)}: ${what}`)
  if (!/^https?:\/\//.test(w.url ?? '')) throw problem('url must start with http:// or https://')
  if (!w.secret) throw problem('secret is missing: give a random string of at least 16 characters, shared with the receiver')
  if (typeof w.subjects !== 'string' || !isChangesPattern(w.subjects)) {
    throw problem(`subjects ${JSON.stringify(w.subjects)} must be a pattern under pulse.tags., pulse.alerts. or pulse.audiences. (e.g. pulse.tags.*.added, pulse.alerts.>, pulse.audiences.*.changed)`)
  }
  const resolved = { ...WEBHOOK_DEFAULTS, ...w, name }
  for (const key of ['maxInFlight', 'timeoutMs', 'maxRetryAgeMs'] as const) {
    if (!Number.isInteger(resolved[key]) || resolved[key] < 1) throw problem(`${key} must be a positive whole number`)
  }
  return resolved
}
