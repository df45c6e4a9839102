// A trait or preference value as the suffix of a tag (`region:<value>`). Tags name NATS subjects
// (`pulse.tags.<tag>.added`), where whitespace, `.`, `*` and `>` are separators or wildcards, so
// each run of them becomes one `_`; values are cut to 64 characters, so a long trait cannot make a
// subject or a stored tag of any size. Letters of every script are kept as sent.

export const MAX_TAG_VALUE_CHARS = 64

/** The tag for `value` under `prefix`, or none when the value is empty. */
export function valueTag(prefix: string, value: string | null): string[] {
  // Control, format and invisible characters (NUL, escapes, zero-width, bidi overrides) are dropped:
  // `region:EU` and `region:EU` plus a zero-width space must not be two tags that look alike.
  const visible = (value ?? '').replace(/[\p{Cc}\p{Cf}]/gu, '')
  const cleaned = [...visible.trim().replace(/[\s.*>]+/g, '_')].slice(0, MAX_TAG_VALUE_CHARS).join('')
  return cleaned === '' || cleaned === '_' ? [] : [`${prefix}${cleaned}`]
}
