// Before a command sends anything, one GET /healthz: nothing listening is said at once, instead
// of after the sender's retries (meant for a server that answered before and is busy) run out.
import { userError } from './user-error.ts'

const WAIT_MS = 10_000

export async function assertReachable(baseUrl: string): Promise<void> {
  const url = new URL('/healthz', baseUrl)
  try {
    // Any answer will do: a busy or draining Pulse is the retries' business.
    const res = await fetch(url, { signal: AbortSignal.timeout(WAIT_MS) })
    await res.body?.cancel()
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause
    const why = (err as Error).name === 'TimeoutError' ? `no answer in ${WAIT_MS / 1000} s` : (cause?.code ?? cause?.message ?? String(err))
    throw userError(`cannot reach ${url.origin} (${why}): is Pulse running there? Check --url or --data-dir`)
  }
}
