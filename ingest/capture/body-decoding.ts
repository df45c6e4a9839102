// Request body -> the JSON text's bytes. gzip is recognised by Content-Encoding or by its magic
// bytes whatever the Content-Type (RudderStack labels gzip JSON as form-urlencoded; PostHog's
// capture sniffs the bytes too); form bodies `data=<base64>` (posthog-js legacy) are unwrapped;
// a UTF-8 byte order mark is dropped (RFC 8259 §8.1 lets parsers ignore it).
import { isUtf8 } from 'node:buffer'
import { gunzip } from 'node:zlib'
import { promisify } from 'node:util'
import { HttpError } from '../http-error.ts'

const gunzipAsync = promisify(gunzip)

function isGzip(buf: Buffer): boolean {
  return buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b
}

async function inflate(buf: Buffer, maxBytes: number): Promise<Buffer> {
  try {
    return await gunzipAsync(buf, { maxOutputLength: maxBytes })
  } catch (e) {
    const err = e as NodeJS.ErrnoException
    if (err.code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
      throw new HttpError(413, 'body_too_large', `the body inflates to more than ${maxBytes} bytes: send smaller batches`)
    }
    throw new HttpError(400, 'invalid_gzip', `the body looks gzip-compressed but is not valid gzip (${err.message}): send plain JSON or valid gzip`)
  }
}

function unwrapForm(text: string): string | null {
  if (!text.startsWith('data=')) return null
  const data = new URLSearchParams(text).get('data') ?? ''
  const trimmed = data.trim()
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) return trimmed
  const decoded = Buffer.from(trimmed, 'base64')
  return decoded.length ? decoded.toString('utf8') : null
}

function utf8Checked(bytes: Buffer): Buffer {
  if (!isUtf8(bytes)) throw new HttpError(400, 'invalid_utf8', 'the body is not valid UTF-8: encode text as UTF-8')
  return bytes
}

const hasBom = (b: Buffer) => b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf
const FORM_PREFIX = Buffer.from('data=')

/** The JSON bytes of a request (after gunzip / form unwrapping): what gets checked and published. */
export async function decodeBody(raw: Buffer | undefined, contentEncoding: string | undefined, compression: string | undefined, maxBytes: number): Promise<Buffer> {
  if (!raw || raw.length === 0) throw new HttpError(400, 'empty_body', 'the request has no body: send a JSON object with the events')
  if (compression === 'lz64') throw new HttpError(400, 'unsupported_compression', 'lz64 compression is not supported: send gzip or plain JSON')
  const labelledGzip = (contentEncoding ?? '').toLowerCase().includes('gzip')
  let bytes = raw
  if (isGzip(raw)) bytes = await inflate(raw, maxBytes)
  else if (labelledGzip && raw[0] !== 0x7b && raw[0] !== 0x5b) {
    throw new HttpError(400, 'invalid_gzip', 'Content-Encoding says gzip but the body is neither gzip nor JSON')
  }
  if (bytes.length > maxBytes) throw new HttpError(413, 'body_too_large', `the body is ${bytes.length} bytes, over the ${maxBytes}-byte limit: send smaller batches`)
  if (hasBom(bytes)) bytes = bytes.subarray(3)
  utf8Checked(bytes)
  if (bytes.subarray(0, FORM_PREFIX.length).equals(FORM_PREFIX)) {
    const form = unwrapForm(bytes.toString('utf8'))
    if (form !== null) bytes = utf8Checked(Buffer.from(form))
  }
  return bytes
}

export function malformedJson(detail: string): HttpError {
  return new HttpError(400, 'malformed_json', `the body is not valid JSON (${detail.slice(0, 200)})`)
}

/** The parsed body; 400 malformed_json when it is not JSON. */
export function parseBody(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'))
  } catch (e) {
    throw malformedJson((e as Error).message)
  }
}
