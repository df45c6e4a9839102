// The profiles config file: overrides merge over the defaults; every mistake is refused with a
// message naming the field and what it allows, unknown keys included.
import { describe, expect, it } from 'vitest'
import { DEFAULT_FEATURE_CONFIG } from '../models/tags/feature-config.ts'
import { parseProfilesConfig } from '../models/tags/profiles-config.ts'
import { DEFAULT_TAG_SETTINGS } from '../models/tags/tag-settings.ts'

const HOOK = { subjects: 'pulse.tags.*.added', url: 'https://crm.example.com/hooks/pulse', secret: 'a-secret-of-24-characters' }

function errorsOf(json: unknown): string[] {
  const result = parseProfilesConfig(json)
  return result.ok ? [] : result.errors
}

describe('profiles config', () => {
  it('merges overrides over the defaults and keeps valid webhooks', () => {
    const result = parseProfilesConfig({
      features: { loginEvent: 'Signed In', traits: { region: 'country' }, activityEvents: ['Signed In', 'Order Completed'] },
      tags: { highFrequency: { minLogins: 3 }, sla: { majorHours: 4 } },
      webhooks: [HOOK, { subjects: 'pulse.alerts.>', url: 'http://10.0.0.5:8080/alerts', secret: '0123456789abcdef' }],
    })
    expect(result).toEqual({
      ok: true,
      config: {
        features: { ...DEFAULT_FEATURE_CONFIG, loginEvent: 'Signed In', traits: { ...DEFAULT_FEATURE_CONFIG.traits, region: 'country' }, activityEvents: ['Signed In', 'Order Completed'] },
        tags: { ...DEFAULT_TAG_SETTINGS, highFrequency: { minLogins: 3 }, sla: { majorHours: 4, normalHours: 24 } },
        webhooks: [HOOK, { subjects: 'pulse.alerts.>', url: 'http://10.0.0.5:8080/alerts', secret: '0123456789abcdef' }],
      },
    })
    expect(parseProfilesConfig({})).toEqual({ ok: true, config: { features: DEFAULT_FEATURE_CONFIG, tags: DEFAULT_TAG_SETTINGS, webhooks: [] } })
  })

  it('refuses unknown keys at every level, naming the allowed ones', () => {
    expect(errorsOf({ tag: {} })).toEqual(['tag: unknown key; allowed: features, tags, webhooks'])
    expect(errorsOf({ tags: { highFrequncy: { minLogins: 3 } } })[0]).toMatch(/^tags\.highFrequncy: unknown key; allowed: highFrequency, priceSensitive, /)
    expect(errorsOf({ tags: { silent: { days: 3 } } })).toEqual(['tags.silent.days: unknown key; allowed: inactiveDays'])
    expect(errorsOf({ features: { loginEvnt: 'x' } })[0]).toMatch(/^features\.loginEvnt: unknown key; allowed: loginEvent, /)
    expect(errorsOf({ features: { traits: { plan: 'p', tier: 't' } } })).toEqual(['features.traits.tier: unknown key; allowed: region, ageBand, plan'])
    expect(errorsOf({ webhooks: [{ ...HOOK, retries: 3 }] })).toEqual(['webhooks[0].retries: unknown key; allowed: subjects, url, secret, name, maxInFlight, timeoutMs, maxRetryAgeMs'])
  })

  it('takes a webhook\'s name and limits as the README documents them, each in its range', () => {
    const parsed = parseProfilesConfig({ webhooks: [{ ...HOOK, name: 'crm', maxInFlight: 2, timeoutMs: 2000, maxRetryAgeMs: 3_600_000 }] })
    expect(parsed.ok && parsed.config.webhooks).toEqual([{ ...HOOK, name: 'crm', maxInFlight: 2, timeoutMs: 2000, maxRetryAgeMs: 3_600_000 }])
    expect(errorsOf({ webhooks: [{ ...HOOK, name: 'a b', maxInFlight: 0, timeoutMs: 50.5 }] })).toEqual([
      'webhooks[0].maxInFlight: must be a whole number from 1 to 64 (got 0)',
      'webhooks[0].timeoutMs: must be a whole number from 100 to 600000 (got 50.5)',
      'webhooks[0].name: must be 1 to 64 letters, digits, _ or - (got "a b")',
    ])
  })

  it('refuses values out of range, naming the range', () => {
    expect(errorsOf({ tags: { highFrequency: { minLogins: 0 } } })).toEqual(['tags.highFrequency.minLogins: must be a whole number from 1 to 10000 (got 0)'])
    expect(errorsOf({ tags: { highFrequency: { minLogins: 2.5 } } })).toEqual(['tags.highFrequency.minLogins: must be a whole number from 1 to 10000 (got 2.5)'])
    expect(errorsOf({ tags: { priceSensitive: { minCouponShare: 80 } } })).toEqual(['tags.priceSensitive.minCouponShare: must be a number from 0.01 to 1 (got 80)'])
    expect(errorsOf({ tags: { sla: { normalHours: '24' } } })).toEqual(['tags.sla.normalHours: must be a whole number from 1 to 720 (got "24")'])
    expect(errorsOf({ tags: { newDemand: { topic: ' ' } } })).toEqual(['tags.newDemand.topic: must be a non-empty string (got " ")'])
    expect(errorsOf({ features: { orderEvent: '' } })).toEqual(['features.orderEvent: must be a non-empty string (got "")'])
    expect(errorsOf({ features: { activityEvents: [] } })).toEqual(['features.activityEvents: must be null (every event) or a non-empty list of event names (got [])'])
    expect(errorsOf({ tags: { silent: 7 } })).toEqual(['tags.silent: must be an object with some of inactiveDays'])
  })

  it('refuses settings that contradict each other', () => {
    expect(errorsOf({ tags: { nps: { passiveMin: 9 } } })).toEqual(['tags.nps.passiveMin (9) must be below tags.nps.promoterMin (9)'])
    expect(errorsOf({ tags: { sla: { majorHours: 48 } } })).toEqual(['tags.sla.majorHours (48) must be at most tags.sla.normalHours (24)'])
    expect(errorsOf({ tags: { lifecycle: { newDays: 200 } } })).toEqual(['tags.lifecycle.newDays (200) must be below tags.lifecycle.matureDays (180)'])
    expect(errorsOf({ tags: { health: { activity: 0, spend: 0, complaints: 0, nps: 0 } } })).toEqual(['tags.health: at least one weight must be above 0'])
  })

  it('checks each webhook: subject pattern, http(s) URL, secret of 16 characters or more', () => {
    expect(errorsOf({ webhooks: [{ ...HOOK, subjects: 'orders.>' }] })[0]).toMatch(/^webhooks\[0\]\.subjects: must be a subject pattern under pulse\.tags, pulse\.alerts or pulse\.audiences/)
    for (const subjects of ['pulse.tags.*.add*', 'pulse.>.added', 'pulse..added', 'pulse.tags.high value.added']) expect(errorsOf({ webhooks: [{ ...HOOK, subjects }] }), subjects).toHaveLength(1)
    expect(errorsOf({ webhooks: [{ ...HOOK, url: 'ftp://crm.example.com/x' }] })).toEqual(['webhooks[0].url: must be an http:// or https:// URL (got "ftp://crm.example.com/x")'])
    expect(errorsOf({ webhooks: [{ ...HOOK, url: 'not a url' }] })).toEqual(['webhooks[0].url: must be an http:// or https:// URL (got "not a url")'])
    expect(errorsOf({ webhooks: [HOOK, { ...HOOK, secret: 'short' }] })).toEqual(['webhooks[1].secret: must be a string of at least 16 characters (got 5 characters)'])
    expect(errorsOf({ webhooks: [{}] })).toHaveLength(3)
    expect(errorsOf({ webhooks: HOOK })).toEqual(['webhooks: must be a list of { subjects, url, secret }'])
  })

  it('refuses a file that is not an object and reports every error at once', () => {
    expect(errorsOf([])).toEqual(['the profiles config must be a JSON object with some of features, tags, webhooks'])
    expect(errorsOf({ tags: { silent: { inactiveDays: 0 }, churnRisk: { inactiveDays: 400 } }, webhooks: [{ ...HOOK, secret: '' }] })).toHaveLength(3)
  })
})
