// A change-set cursor names one sync of one audience: opaque base64url text, checked so a mistake
// (another audience's cursor, a cut-off copy) gets a 400 saying what to do.
import { HttpError } from '../http-error.ts'

export function syncCursor(audience: string, seq: number): string {
  return Buffer.from(`${seq}.${audience}`, 'utf8').toString('base64url')
}

/** The sync a `since` cursor names; 0 without one (the first sync: every member joined). */
export function seqOfCursor(audience: string, since: unknown): number {
  if (since === undefined || since === '') return 0
  const text = String(since)
  const [seqText, ...rest] = Buffer.from(text, 'base64url').toString('utf8').split('.')
  const seq = /^\d{1,16}$/.test(seqText) ? Number(seqText) : NaN
  if (!(seq > 0) || syncCursor(rest.join('.'), seq) !== text) {
    throw new HttpError(400, 'invalid_cursor', 'since must be the next_cursor of a previous change set of this audience, as given; leave it out for a full sync')
  }
  if (rest.join('.') !== audience) {
    throw new HttpError(400, 'invalid_cursor', `since is a cursor of the audience ${JSON.stringify(rest.join('.'))}, not of ${JSON.stringify(audience)}`)
  }
  return seq
}
