// The signature a webhook receiver checks: HMAC-SHA256 with the webhook's secret over
// "<timestamp>.<body>", where timestamp is the Pulse-Timestamp header (unix seconds). Signing the
// timestamp too lets a receiver refuse replays of an old request.
import { createHmac, timingSafeEqual } from 'node:crypto'

export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return 'sha256=' + createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')
}

export function isValidWebhookSignature(secret: string, timestamp: string, body: string, signature: string): boolean {
  const expected = Buffer.from(webhookSignature(secret, timestamp, body))
  const given = Buffer.from(signature)
  return given.length === expected.length && timingSafeEqual(given, expected)
}
