// One JSON request from a CLI command to a running Pulse's API. What a person can get wrong (a
// --url that is not a Pulse, a server that is down, a proxy's HTML error page) ends in a message
// saying so, not in a stack trace.
import { userError } from './user-error.ts'

export interface PulseAnswer<T> {
  status: number
  body: T & { error?: { code: string; message: string } }
}

/** A --url as given, checked: a URL with http(s), else a message saying what to pass. */
export function pulseBaseUrl(text: string): string {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw userError(`--url "${text}" is not a URL: pass the base URL of a running Pulse, like http://127.0.0.1:8080`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw userError(`--url "${text}" must start with http:// or https://`)
  return text
}

export async function postToPulse<T>(baseUrl: string, route: string, key: string, payload: unknown): Promise<PulseAnswer<T>> {
  return requestPulse<T>(baseUrl, route, key, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) })
}

/** `route` may carry a query string; its values must be encoded by the caller. */
export async function getFromPulse<T>(baseUrl: string, route: string, key: string): Promise<PulseAnswer<T>> {
  return requestPulse<T>(baseUrl, route, key, { method: 'GET', headers: {} })
}

export async function requestPulse<T>(baseUrl: string, route: string, key: string, init: { method: string; headers: Record<string, string>; body?: string }): Promise<PulseAnswer<T>> {
  const url = new URL(route, pulseBaseUrl(baseUrl))
  let res: Response
  try {
    res = await fetch(url, { ...init, headers: { ...init.headers, authorization: `Bearer ${key}` } })
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
