// Who is sending: the write key from Basic auth (user part, trailing ':' optional), Bearer,
// or the body (Segment writeKey, PostHog api_key / token), mapped to the source it writes as.
import { HttpError } from '../http-error.ts'

export function keyFromHeader(authorization: string | undefined): string {
  if (!authorization) return ''
  const [scheme, value = ''] = authorization.trim().split(/\s+/, 2)
  if (/^basic$/i.test(scheme)) {
    const decoded = Buffer.from(value, 'base64').toString('utf8')
    const i = decoded.indexOf(':')
    return i < 0 ? decoded : decoded.slice(0, i)
  }
  if (/^bearer$/i.test(scheme)) return value
  return ''
}

export class WriteKeys {
  private readonly sources: Map<string, string>

  constructor(keys: Array<{ key: string; source: string }>) {
    this.sources = new Map(keys.map((k) => [k.key, k.source]))
  }

  /** The source a request writes as; 401 when no key or an unknown one was given. */
  sourceOf(headerKey: string, bodyKey: string): string {
    const key = headerKey || bodyKey
    if (!key) {
      throw new HttpError(401, 'missing_write_key', 'no write key: send it as Basic auth user, Bearer token, or "writeKey" / "api_key" in the body')
    }
    const source = this.sources.get(key) ?? (headerKey && bodyKey ? this.sources.get(bodyKey) : undefined)
    if (source === undefined) throw new HttpError(401, 'invalid_write_key', 'the write key is not known to this Pulse: check the key, or add it with --write-key KEY:SOURCE')
    return source
  }

  /** The source when the header key is valid, '' otherwise (for recording rejected requests). */
  trySource(headerKey: string): string {
    return this.sources.get(headerKey) ?? ''
  }
}
