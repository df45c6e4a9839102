// A deployment's profiles config file (JSON): feature config and tag threshold overrides, and the
// webhooks that receive tag changes and alerts. Every key is checked: an unknown one is refused so
// that a typo cannot silently keep a default; each error names the field and what it allows.
import { DEFAULT_FEATURE_CONFIG, type FeatureConfig } from './feature-config.ts'
import { DEFAULT_TAG_SETTINGS, TAG_SETTING_RANGES, tagSettingConflicts, type SettingRange, type TagSettings } from './tag-settings.ts'
import type { WebhookConfig } from './webhook-config.ts'

/** A webhook of the config file: subjects, url and secret, and optionally its name and limits (webhook-config.ts). */
export type WebhookSubscription = WebhookConfig

/** The optional limits of a webhook, each a whole number in its range. */
const WEBHOOK_LIMITS = { maxInFlight: [1, 64], timeoutMs: [100, 600_000], maxRetryAgeMs: [1000, 30 * 86_400_000] } as const

export interface ProfilesConfig {
  features: FeatureConfig
  tags: TagSettings
  webhooks: WebhookSubscription[]
}

export type ProfilesConfigResult = { ok: true; config: ProfilesConfig } | { ok: false; errors: string[] }

export const MIN_WEBHOOK_SECRET_LENGTH = 16

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const shown = (v: unknown): string => (v === undefined ? 'nothing' : JSON.stringify(v))

/** Errors for keys of `value` not in `allowed`. */
function unknownKeys(value: Record<string, unknown>, allowed: string[], at: string, errors: string[]): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) errors.push(`${at}${key}: unknown key; allowed: ${allowed.join(', ')}`)
  }
}

function checkSetting(v: unknown, range: SettingRange, field: string, errors: string[]): boolean {
  if (range.kind === 'string') {
    if (typeof v === 'string' && v.trim() !== '') return true
    errors.push(`${field}: must be a non-empty string (got ${shown(v)})`)
    return false
  }
  const ok = typeof v === 'number' && Number.isFinite(v) && v >= range.min && v <= range.max && (!range.integer || Number.isInteger(v))
  if (!ok) errors.push(`${field}: must be ${range.integer ? 'a whole number' : 'a number'} from ${range.min} to ${range.max} (got ${shown(v)})`)
  return ok
}

function parseTags(json: unknown, errors: string[]): TagSettings {
  const out = structuredClone(DEFAULT_TAG_SETTINGS) as unknown as Record<string, Record<string, unknown>>
  if (json === undefined) return out as unknown as TagSettings
  if (!isObject(json)) {
    errors.push(`tags: must be an object of threshold groups (${Object.keys(TAG_SETTING_RANGES).join(', ')})`)
    return out as unknown as TagSettings
  }
  const ranges = TAG_SETTING_RANGES as unknown as Record<string, Record<string, SettingRange>>
  unknownKeys(json, Object.keys(ranges), 'tags.', errors)
  for (const [group, fields] of Object.entries(json)) {
    if (!(group in ranges)) continue
    if (!isObject(fields)) {
      errors.push(`tags.${group}: must be an object with some of ${Object.keys(ranges[group]).join(', ')}`)
      continue
    }
    unknownKeys(fields, Object.keys(ranges[group]), `tags.${group}.`, errors)
    for (const [name, v] of Object.entries(fields)) {
      if (name in ranges[group] && checkSetting(v, ranges[group][name], `tags.${group}.${name}`, errors)) out[group][name] = v
    }
  }
  return out as unknown as TagSettings
}

function parseFeatures(json: unknown, errors: string[]): FeatureConfig {
  const out: FeatureConfig = structuredClone(DEFAULT_FEATURE_CONFIG)
  if (json === undefined) return out
  if (!isObject(json)) {
    errors.push('features: must be an object of event and property names')
    return out
  }
  const text: SettingRange = { kind: 'string' }
  unknownKeys(json, Object.keys(DEFAULT_FEATURE_CONFIG), 'features.', errors)
  for (const [name, v] of Object.entries(json)) {
    if (name === 'traits') {
      if (!isObject(v)) {
        errors.push(`features.traits: must be an object with some of ${Object.keys(out.traits).join(', ')}`)
        continue
      }
      unknownKeys(v, Object.keys(out.traits), 'features.traits.', errors)
      for (const [trait, t] of Object.entries(v)) {
        if (trait in out.traits && checkSetting(t, text, `features.traits.${trait}`, errors)) out.traits[trait as keyof FeatureConfig['traits']] = t as string
      }
    } else if (name === 'activityEvents') {
      const ok = v === null || (Array.isArray(v) && v.length > 0 && v.every((e) => typeof e === 'string' && e.trim() !== ''))
      if (ok) out.activityEvents = v as string[] | null
      else errors.push(`features.activityEvents: must be null (every event) or a non-empty list of event names (got ${shown(v)})`)
    } else if (name in out && checkSetting(v, text, `features.${name}`, errors)) {
      ;(out as unknown as Record<string, unknown>)[name] = v
    }
  }
  return out
}

/** A NATS subject pattern under pulse.tags, pulse.alerts or pulse.audiences: `*` a whole token, `>` only last. */
export function isDeliverableSubject(pattern: string): boolean {
  const tokens = pattern.split('.')
  if (tokens.some((t, i) => t === '' || /[\s]/.test(t) || (t.length > 1 && /[*>]/.test(t)) || (t === '>' && i !== tokens.length - 1))) return false
  return tokens[0] === 'pulse' && tokens.length >= 2 && ['tags', 'alerts', 'audiences', '*', '>'].includes(tokens[1])
}

function parseWebhook(json: unknown, at: string, errors: string[]): WebhookSubscription | null {
  if (!isObject(json)) {
    errors.push(`${at}: must be an object with subjects, url and secret`)
    return null
  }
  const before = errors.length
  unknownKeys(json, ['subjects', 'url', 'secret', 'name', ...Object.keys(WEBHOOK_LIMITS)], `${at}.`, errors)
  const { subjects, url, secret, name } = json
  const limits: Partial<Record<keyof typeof WEBHOOK_LIMITS, number>> = {}
  for (const [key, [min, max]] of Object.entries(WEBHOOK_LIMITS) as Array<[keyof typeof WEBHOOK_LIMITS, readonly [number, number]]>) {
    const v = json[key]
    if (v === undefined) continue
    if (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max) limits[key] = v
    else errors.push(`${at}.${key}: must be a whole number from ${min} to ${max} (got ${shown(v)})`)
  }
  // The name keys the webhook's durable consumer and its rows in the delivery log.
  if (name !== undefined && (typeof name !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(name))) {
    errors.push(`${at}.name: must be 1 to 64 letters, digits, _ or - (got ${shown(name)})`)
  }
  if (typeof subjects !== 'string' || !isDeliverableSubject(subjects)) {
    errors.push(`${at}.subjects: must be a subject pattern under pulse.tags, pulse.alerts or pulse.audiences, e.g. "pulse.tags.*.added" (got ${shown(subjects)})`)
  }
  let protocol = ''
  try {
    protocol = typeof url === 'string' ? new URL(url).protocol : ''
  } catch {}
  if (protocol !== 'http:' && protocol !== 'https:') errors.push(`${at}.url: must be an http:// or https:// URL (got ${shown(url)})`)
  if (typeof secret !== 'string' || secret.length < MIN_WEBHOOK_SECRET_LENGTH) {
    errors.push(`${at}.secret: must be a string of at least ${MIN_WEBHOOK_SECRET_LENGTH} characters (got ${typeof secret === 'string' ? `${secret.length} characters` : shown(secret)})`)
  }
  if (errors.length !== before) return null
  return { subjects: subjects as string, url: url as string, secret: secret as string, ...(name === undefined ? {} : { name: name as string }), ...limits }
}

/** The config file's contents merged over the defaults, or every problem found in it. */
export function parseProfilesConfig(json: unknown): ProfilesConfigResult {
  const errors: string[] = []
  if (!isObject(json)) return { ok: false, errors: ['the profiles config must be a JSON object with some of features, tags, webhooks'] }
  unknownKeys(json, ['features', 'tags', 'webhooks'], '', errors)
  const features = parseFeatures(json.features, errors)
  const tags = parseTags(json.tags, errors)
  const webhooks: WebhookSubscription[] = []
  if (json.webhooks !== undefined && !Array.isArray(json.webhooks)) errors.push('webhooks: must be a list of { subjects, url, secret }')
  else (json.webhooks ?? []).forEach((w: unknown, i: number) => {
    const hook = parseWebhook(w, `webhooks[${i}]`, errors)
    if (hook) webhooks.push(hook)
  })
  if (errors.length === 0) errors.push(...tagSettingConflicts(tags))
  return errors.length > 0 ? { ok: false, errors } : { ok: true, config: { features, tags, webhooks } }
}
