// A saved audience: a named definition over the tags a person holds now. Churn bands, value tiers
// and funnel drop-offs are shorthands for the tags `churn:<band>`, `tier:<name>` and
// `funnel_dropoff:<name>`, so every criterion is a tag and membership moves exactly when tags do.

export interface AudienceDefinition {
  name: string
  description: string
  all: string[]
  any: string[]
  none: string[]
  churn_bands: string[]
  value_tiers: string[]
  funnel_dropoffs: string[]
}

/**
 * The definition as tags only: a person is a member when it holds every `all` tag, at least one
 * tag of each `any_of` group and no `none` tag.
 */
export interface AudienceTags {
  all: string[]
  any_of: string[][]
  none: string[]
}

export type ParsedAudience = { ok: true; audience: AudienceDefinition } | { ok: false; error: string }

/** Safe in a URL path, a file name and a NATS subject token (no dots, no wildcards). */
export const AUDIENCE_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/
// No control or format characters (C0, C1, bidi overrides) and well-formed UTF-16 (no lone surrogate).
const TAG = /^[^\p{Cc}\p{Cf}\p{Cs}]{1,200}$/u
const SHORT_NAME = /^[a-z0-9][a-z0-9_.-]{0,99}$/
export const CHURN_BANDS = ['low', 'medium', 'high'] as const
const MAX_TAGS = 100
const LISTS = ['all', 'any', 'none', 'churn_bands', 'value_tiers', 'funnel_dropoffs'] as const
const FIELDS = new Set<string>(['name', 'description', ...LISTS])

function listOf(body: Record<string, unknown>, field: (typeof LISTS)[number], check: (v: string) => string | null): string[] | string {
  const value = body[field]
  if (value === undefined) return []
  if (!Array.isArray(value)) return `${field}: expected an array of strings`
  if (value.length > MAX_TAGS) return `${field}: at most ${MAX_TAGS} entries`
  for (const [i, v] of value.entries()) {
    if (typeof v !== 'string') return `${field}[${i}]: expected a string`
    const wrong = check(v)
    if (wrong) return `${field}[${i}]: ${wrong}`
  }
  return [...new Set(value as string[])]
}

const tagCheck = (v: string) => (TAG.test(v) ? null : 'a tag is 1 to 200 characters without control characters')
const shortCheck = (v: string) => (SHORT_NAME.test(v) ? null : 'expected a lower-case name (a-z, 0-9, _ . -, up to 100 characters)')
const bandCheck = (v: string) => ((CHURN_BANDS as readonly string[]).includes(v) ? null : `expected one of ${CHURN_BANDS.join(', ')}`)

/** Checks a request body; the error starts with the field to fix. */
export function parseAudienceDefinition(body: unknown): ParsedAudience {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { ok: false, error: 'body: expected a JSON object with name and all / any / none tags' }
  const b = body as Record<string, unknown>
  for (const key of Object.keys(b)) if (!FIELDS.has(key)) return { ok: false, error: `${key}: unknown field (expected ${[...FIELDS].join(', ')})` }
  if (typeof b.name !== 'string' || !AUDIENCE_NAME.test(b.name)) {
    return { ok: false, error: 'name: expected 1 to 64 characters of a-z, 0-9, _ and -, starting with a letter or digit' }
  }
  if (b.description !== undefined && (typeof b.description !== 'string' || b.description.length > 1000)) return { ok: false, error: 'description: expected a string of up to 1000 characters' }
  const lists: Partial<Record<(typeof LISTS)[number], string[]>> = {}
  for (const field of LISTS) {
    const check = field === 'churn_bands' ? bandCheck : field === 'value_tiers' || field === 'funnel_dropoffs' ? shortCheck : tagCheck
    const list = listOf(b, field, check)
    if (typeof list === 'string') return { ok: false, error: list }
    lists[field] = list
  }
  const audience: AudienceDefinition = {
    name: b.name,
    description: (b.description as string | undefined) ?? '',
    all: lists.all!, any: lists.any!, none: lists.none!,
    churn_bands: lists.churn_bands!, value_tiers: lists.value_tiers!, funnel_dropoffs: lists.funnel_dropoffs!,
  }
  const tags = audienceTags(audience)
  // Membership is read from the persons holding some tag: "nobody but" has no such set.
  if (tags.all.length === 0 && tags.any_of.length === 0) {
    return { ok: false, error: 'all: an audience needs at least one tag in all, any, churn_bands, value_tiers or funnel_dropoffs (none alone would mean everyone else)' }
  }
  const overlap = tags.none.find((t) => tags.all.includes(t))
  if (overlap) return { ok: false, error: `none: ${JSON.stringify(overlap)} is also required (all), so nobody could be a member` }
  return { ok: true, audience }
}

/**
 * Shorthands expanded. A person has one churn band and one value tier, so several of one kind mean
 * "any of them" (`churn_bands: ["medium", "high"]`), each kind a group of its own beside `any`; a
 * person can have dropped off several funnels, so every listed drop-off is required, like `all`.
 */
export function audienceTags(a: AudienceDefinition): AudienceTags {
  const groups = [a.any, a.churn_bands.map((b) => `churn:${b}`), a.value_tiers.map((t) => `tier:${t}`)]
  return {
    all: [...new Set([...a.all, ...a.funnel_dropoffs.map((f) => `funnel_dropoff:${f}`)])],
    any_of: groups.filter((g) => g.length > 0),
    none: [...a.none],
  }
}

/** Every tag the definition names: only persons holding one of them can be members. */
export function namedTags(t: AudienceTags): string[] {
  return [...new Set([...t.all, ...t.any_of.flat(), ...t.none])]
}

/** Whether a person holding `held` is a member (the rule the queries apply). */
export function isMember(held: ReadonlySet<string>, tags: AudienceTags): boolean {
  return tags.all.every((t) => held.has(t)) && tags.any_of.every((g) => g.some((t) => held.has(t))) && !tags.none.some((t) => held.has(t))
}
