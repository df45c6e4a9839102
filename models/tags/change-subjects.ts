// The NATS subjects tag changes and alerts are published on. A tag id may hold `:`, `.`, spaces
// and any other character, while a subject token must not hold `.`, `*`, `>` or whitespace; so a
// tag becomes one token in which ASCII letters, digits and `_` stay as they are and every other
// byte of its UTF-8 form is written `-XX` (upper-case hex; `-` itself is `-2D`):
// `high_value` -> `high_value`, `region:EU` -> `region-3AEU`. The body always holds the real tag.
import type { Alert, TagChange } from './tag-change.ts'

export const TAGS_SUBJECT = 'pulse.tags'
export const ALERTS_SUBJECT = 'pulse.alerts'
export const AUDIENCES_SUBJECT = 'pulse.audiences'

const KEPT = /^[A-Za-z0-9_]$/

export function tagSubjectToken(tag: string): string {
  if (tag === '') throw new Error('a tag id must not be empty')
  let out = ''
  for (const ch of tag) {
    if (KEPT.test(ch)) out += ch
    else for (const byte of Buffer.from(ch, 'utf8')) out += '-' + byte.toString(16).toUpperCase().padStart(2, '0')
  }
  return out
}

/** The tag a subject token stands for; the inverse of tagSubjectToken. */
export function tagFromSubjectToken(token: string): string {
  const bytes: number[] = []
  for (let i = 0; i < token.length; i++) {
    if (token[i] === '-') {
      bytes.push(parseInt(token.slice(i + 1, i + 3), 16))
      i += 2
    } else bytes.push(token.charCodeAt(i))
  }
  return Buffer.from(bytes).toString('utf8')
}

/** Tokens of the tags seen lately: a batch publishes the same few tags thousands of times. */
const tokens = new Map<string, string>()
const KEPT_TOKENS = 10_000

export function tagChangeSubject(change: Pick<TagChange, 'tag' | 'change'>): string {
  let token = tokens.get(change.tag)
  if (token === undefined) {
    if (tokens.size >= KEPT_TOKENS) tokens.clear()
    tokens.set(change.tag, (token = tagSubjectToken(change.tag)))
  }
  return `${TAGS_SUBJECT}.${token}.${change.change}`
}

export function alertSubject(alert: Pick<Alert, 'kind'>): string {
  return `${ALERTS_SUBJECT}.${alert.kind}`
}

/** An audience name is already one subject token (models/tags/audience-definition.ts, AUDIENCE_NAME). */
export function audienceChangeSubject(audience: string): string {
  return `${AUDIENCES_SUBJECT}.${audience}.changed`
}
