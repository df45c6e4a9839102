// One JSON request from a CLI command to a running Pulse's API. What a person can get wrong (a
// --url that is not a Pulse, a server that is down, a proxy's HTML error page) ends in a message
// saying so, not in a stack trace.
import { userError } from './user-error.ts'

export interface PulseAnswer<T> {
  status: number
  body: T & { error?: { code: string; message: string } }
}

export async function postToPulse<T>(baseUrl: string, route: string, key: string, payload: unknown): Promise<PulseAnswer<T>> {
  const url = new URL(route, baseUrl)
  let res: Response
  try {
    res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify(payload) })
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause
    throw userError(`cannot reach ${url.origin} (${cause?.code ?? cause?.message ?? String(err)}): is Pulse running there? Check --url or --data-dir`)
  }
  const text = await res.text()
  try {
    return { status: res.status, body: JSON.parse(text) }
  } catch {
    const excerpt = text.replace(/\s+/g, ' ').trim().slice(0, 120)
    throw userError(`${url.origin} answered ${url.pathname} with HTTP ${res.status} and a body that is not Pulse's JSON${excerpt ? ` ("${excerpt}")` : ''}: check that --url points at a Pulse`)
  }
}
