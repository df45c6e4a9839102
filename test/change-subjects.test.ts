// Tag ids become one safe NATS subject token each, reversibly; webhook settings are checked with
// messages that say what to fix.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { alertSubject, tagChangeSubject, tagFromSubjectToken, tagSubjectToken } from '../models/tags/change-subjects.ts'
import { resolveWebhook } from '../models/tags/webhook-config.ts'
import { alertBody, alertMessageId, MAX_MESSAGE_IDS, tagChangeBody, tagChangeMessageId } from '../models/tags/change-message.ts'
import { retryDelayMs } from '../models/tags/retry-backoff.ts'

describe('tag subject tokens', () => {
  it('keep plain tag ids readable and encode the rest', () => {
    expect(tagChangeSubject({ tag: 'high_value', change: 'added' })).toBe('pulse.tags.high_value.added')
    expect(tagChangeSubject({ tag: 'region:EU', change: 'removed' })).toBe('pulse.tags.region-3AEU.removed')
    expect(tagSubjectToken('favourite_category:home & garden.v2')).toBe('favourite_category-3Ahome-20-26-20garden-2Ev2')
    expect(tagSubjectToken('tier:zoë-1')).toBe('tier-3Azo-C3-AB-2D1')
    expect(alertSubject({ kind: 'sla' })).toBe('pulse.alerts.sla')
  })

  it('are one token of safe characters for any tag, and give the tag back', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1 }), (tag) => {
        const token = tagSubjectToken(tag)
        expect(token).toMatch(/^[A-Za-z0-9_-]+$/)
        expect(tagFromSubjectToken(token)).toBe(tag)
      }),
    )
  })

  it('refuse an empty tag id', () => {
    expect(() => tagSubjectToken('')).toThrow(/must not be empty/)
  })
})

describe('webhook settings', () => {
  const ok = { subjects: 'pulse.tags.*.added', url: 'https://example.test/hook', secret: 's3cret-s3cret-s3cret' }

  it('take defaults, and a name made from the url that does not show it (it may hold a token)', () => {
    const withToken = { ...ok, url: 'https://hooks.example.com/in?token=SECRET123' }
    const resolved = resolveWebhook(withToken)
    expect(resolved).toEqual({ ...withToken, name: expect.stringMatching(/^webhook-[0-9a-f]{12}$/), maxInFlight: 4, timeoutMs: 10_000, maxRetryAgeMs: 72 * 3600_000 })
    expect(resolveWebhook(withToken).name).toBe(resolved.name)
    expect(resolveWebhook(ok).name).not.toBe(resolved.name)
  })

  it.each([
    [{ url: 'ftp://x' }, /url must start with http/],
    [{ secret: '' }, /secret is missing/],
    [{ subjects: 'events.>' }, /must be a pattern under pulse\.tags\./],
    [{ subjects: 'pulse.tags.>.added' }, /must be a pattern/],
    [{ subjects: 'pulse.tags.high value' }, /must be a pattern/],
    [{ maxInFlight: 0 }, /maxInFlight must be a positive whole number/],
  ])('refuse %o', (change, message) => {
    expect(() => resolveWebhook({ ...ok, ...change })).toThrow(message)
  })
})

describe('retry waits', () => {
  it('start at 1 s, double, and stay at 5 minutes', () => {
    expect([1, 2, 3, 4, 9, 10, 1000].map(retryDelayMs)).toEqual([1000, 2000, 4000, 8000, 256_000, 300_000, 300_000])
  })
})

describe('change message ids', () => {
  const change = { personId: 'p_1', tag: 'region:north', change: 'added' as const, at: 1000, basis: 7 }
  it('are the same for the same change decided again at another time against the same stored state', () => {
    expect(tagChangeMessageId({ ...change, at: 99_000 })).toBe(tagChangeMessageId(change))
    expect(tagChangeMessageId({ ...change, basis: 8 })).not.toBe(tagChangeMessageId(change))
    const alert = { kind: 'sla' as const, personId: 'p_1', at: 1000, basis: 7, reason: { complaintId: 'c-1' } }
    expect(alertMessageId({ ...alert, at: 5000 })).toBe(alertMessageId(alert))
    expect(alertMessageId({ ...alert, reason: { complaintId: 'c-2' } })).not.toBe(alertMessageId(alert))
  })
})

describe('message bodies', () => {
  it("carry at most the person's first 100 ids, with the total when cut, so a message stays far below max_payload", () => {
    const ids = Array.from({ length: 30_000 }, (_, i) => `anon-${i}-${'x'.repeat(200)}`)
    const body = tagChangeBody({ personId: 'p_1', ids, tag: 'silent', layer: 'behaviour', change: 'added', at: 0, reason: {} })
    expect(body.ids).toEqual(ids.slice(0, MAX_MESSAGE_IDS))
    expect(body.ids_total).toBe(30_000)
    expect(Buffer.byteLength(JSON.stringify(body))).toBeLessThan(64 * 1024)
    const alert = alertBody({ kind: 'churn', personId: 'p_1', ids: ids.slice(0, 3), at: 0, message: 'm', reason: {} })
    expect(alert.ids).toEqual(ids.slice(0, 3))
    expect('ids_total' in alert).toBe(false)
  })
})
