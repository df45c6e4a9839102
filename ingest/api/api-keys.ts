// Who may use the API: read keys run queries; admin keys run queries and start the jobs that
// change stored results (refits, replays). Write keys are not API keys at all.
import { HttpError } from '../http-error.ts'
import { keyFromHeader } from '../capture/write-keys.ts'

export type ApiScope = 'read' | 'admin'

export class ApiKeys {
  private readonly read: Set<string>
  private readonly admin: Set<string>

  constructor(readKeys: string[], adminKeys: string[]) {
    this.read = new Set(readKeys)
    this.admin = new Set(adminKeys)
  }

  /** Throws 401 for a missing or unknown key, 403 for a read key where admin is needed. */
  require(authorization: string | undefined, scope: ApiScope): void {
    const key = keyFromHeader(authorization)
    if (key && this.admin.has(key)) return
    if (key && this.read.has(key)) {
      if (scope === 'read') return
      throw new HttpError(403, 'admin_key_required', 'this needs an admin key (--admin-key / PULSE_ADMIN_KEYS); a read key may only query')
    }
    const wanted = scope === 'admin' ? 'an admin key' : 'a read or admin key'
    throw new HttpError(401, scope === 'admin' ? 'invalid_admin_key' : 'invalid_read_key', `send ${wanted} as "Authorization: Bearer <key>"`)
  }
}
