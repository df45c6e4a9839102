// Ids that SDKs and broken integrations send when they have no real id: they never link two
// persons, or every visitor whose app sent "null" would become one person. The list follows
// PostHog's illegal distinct ids (case-insensitive ones, then exact ones) plus blanks.

const ANY_CASE = new Set(['anonymous', 'guest', 'distinctid', 'distinct_id', 'id', 'not_authenticated', 'email', 'undefined', 'true', 'false', 'null', 'none', 'nan', 'nil', '-1', '0', 'user', 'unknown', 'n/a'])
const EXACT = new Set(['[object Object]', '00000000-0000-0000-0000-000000000000'])

/** True when the id may link persons (and key a person of its own). */
export function isLinkableId(id: string): boolean {
  const t = id.trim()
  if (t === '') return false
  if (EXACT.has(t)) return false
  return !ANY_CASE.has(t.toLowerCase())
}

/** The blocklist as documented (README, Identity). */
export const BLOCKLISTED_IDS: readonly string[] = ['', ...ANY_CASE, ...EXACT]
