// The validating scan must accept exactly what JSON.parse accepts, and locate top-level members.
import { describe, expect, it } from 'vitest'
import { scanJson } from '../models/events/json-scan.ts'
import { jsonBytesDepth } from '../models/events/json-limits.ts'
import { segmentBatchSummary, splitRequest } from '../models/events/request-envelope.ts'

const valid = (text: string) => {
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}
const LIMITS = { maxDepth: 100_000, maxBytes: 10_000_000 }
const scan = (text: string) => scanJson(Buffer.from(text), LIMITS)

const VALID = [
  '{}', '[]', '0', '-0', '1.5e-3', '1E+5', '-12.25e10', '"x"', 'true', 'false', 'null', ' \n\t\r{ } ',
  '{"a":[1,2,{"b":null}],"c":"d\\"e\\\\f\\/g\\b\\f\\n\\r\\t\\u00e9\\uD83D\\uDE00"}',
  '[[[[[[[[[[]]]]]]]]]]', '{"":{"":""}}', '{"é":"ü","日本":["語"]}', '[1,[2,[3]],{"x":[4]}]',
  JSON.stringify({ batch: Array.from({ length: 30 }, (_, i) => ({ type: 'track', event: `e${i}`, properties: { n: i, s: 'a\tb\n' } })) }),
]
const INVALID = [
  '', ' ', '{', '}', '[', ']', '{"a":1,}', '[1,]', '[,1]', '01', '1.', '.5', '+1', '-', '1e', '1e+', 'tru', 'nul', 'True',
  '"\u0001"', '"\\x"', '"\\u12G4"', "{'a':1}", 'NaN', 'Infinity', '{"a" 1}', '{"a":}', '{a:1}', '{} {}', '[1 2]', '"abc',
  '{"a":1', '[1,2', '/* c */ {}', '{"a":1}x', '"\\"', '[-]', '{"a":[}', '{"a":{]}', '\u00a0{}',
]

/** A small deterministic generator (mulberry32) so the fuzz cases are the same on every run. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

describe('scanJson validity', () => {
  it.each(VALID)('accepts %s', (text) => {
    expect(valid(text)).toBe(true)
    expect(scan(text).ok).toBe(true)
  })

  it.each(INVALID)('refuses %j', (text) => {
    expect(valid(text)).toBe(false)
    const out = scan(text)
    expect(out.ok).toBe(false)
    if (!out.ok) expect(out.message).toMatch(/unexpected/)
  })

  it('agrees with JSON.parse on 20,000 mutated documents', () => {
    const rnd = random(42)
    const alphabet = '{}[]:,"\\ 0123456789.-+eEtrufalsn\tu\n'
    let disagreements: string[] = []
    let validSeen = 0
    for (let k = 0; k < 20_000; k++) {
      let text = VALID[Math.floor(rnd() * VALID.length)]
      for (let m = 1 + Math.floor(rnd() * 3); m > 0; m--) {
        const at = Math.floor(rnd() * (text.length + 1))
        const ch = alphabet[Math.floor(rnd() * alphabet.length)]
        const op = rnd()
        text = op < 0.33 ? text.slice(0, at) + ch + text.slice(at) : op < 0.66 ? text.slice(0, at) + text.slice(at + 1) : text.slice(0, at) + ch + text.slice(at + 1)
      }
      const expected = valid(text)
      if (expected) validSeen++
      const result = scan(text)
      // The depth the processor trusts to skip its per-event checks must be exact.
      if (result.ok !== expected || (result.ok && result.depth !== jsonBytesDepth(Buffer.from(text), Infinity))) disagreements.push(text)
    }
    disagreements = disagreements.slice(0, 5)
    expect(disagreements).toEqual([])
    expect(validSeen).toBeGreaterThan(1000) // the mutations exercise both outcomes
  })
})

describe('scanJson members', () => {
  it('locates top-level values with their kinds, and counts array elements', () => {
    const text = ' { "writeKey" : "k1", "batch": [ {"a":[1,2]}, 2, [3] ], "n": -1.5, "o": {"batch": []}, "t": true, "z": null }'
    const out = scan(text)
    if (!out.ok) throw new Error(out.message)
    expect(out.kind).toBe('object')
    const slice = (name: string) => {
      const m = out.members.get(name)!
      return text.slice(m.start, m.end)
    }
    expect(slice('writeKey')).toBe('"k1"')
    expect(slice('batch')).toBe('[ {"a":[1,2]}, 2, [3] ]')
    expect(out.members.get('batch')).toMatchObject({ kind: 'array', elements: 3 })
    expect(out.members.get('o')).toMatchObject({ kind: 'object', elements: 0 })
    expect(slice('n')).toBe('-1.5')
    expect(out.members.get('t')?.kind).toBe('boolean')
    expect(out.members.get('z')?.kind).toBe('null')
    expect([...out.members.keys()]).toEqual(['writeKey', 'batch', 'n', 'o', 't', 'z'])
  })

  it('keeps the last of duplicate keys and decodes escaped keys, as JSON.parse does', () => {
    const out = scan('{"a":1,"\\u0062atch":[],"a":[true,false]}')
    if (!out.ok) throw new Error(out.message)
    expect(out.members.get('a')).toMatchObject({ kind: 'array', elements: 2 })
    expect(out.members.get('batch')).toMatchObject({ kind: 'array', elements: 0 })
  })

  it('counts the elements of a top-level array', () => {
    const out = scan('[{"event":"a"},{"event":"b"},[],3]')
    expect(out.ok && out.kind === 'array' && out.elements).toBe(4)
  })

  it('handles deep nesting without recursion', () => {
    const depth = 100_000
    expect(scan('['.repeat(depth) + ']'.repeat(depth)).ok).toBe(true)
    expect(scan('['.repeat(depth) + ']'.repeat(depth - 1)).ok).toBe(false)
  })
})

describe('segmentBatchSummary', () => {
  const BODIES = [
    '{"batch":[{"type":"track"},{"type":"identify"}],"writeKey":"wk\\u0031","sentAt":"2026-01-01T00:00:00Z"}',
    '{"batch":[]}', '{"batch":{}}', '{"writeKey":"k"}', '[{"type":"track"}]', '"text"', '42', 'null',
    '{"batch":[1],"writeKey":7,"historical_migration":true}', '{"batch":[{}],"historical_migration":"true"}',
    '{"batch":[{}],"batch":[{},{}],"writeKey":"a","writeKey":"b"}',
  ]
  it.each(BODIES)('reads %s as the parsed-body path does', (body) => {
    const bytes = Buffer.from(body)
    const scan = scanJson(bytes, LIMITS)
    if (!scan.ok) throw new Error(scan.message)
    const summary = segmentBatchSummary(bytes, scan)
    const parsed = JSON.parse(body)
    const split = splitRequest('segment-batch', parsed)
    if (!split.ok) {
      expect(summary).toEqual(split)
      return
    }
    expect(summary).toEqual({ ok: true, eventCount: split.events.length, bodyKey: split.bodyKey, historical: parsed.historical_migration === true, depth: jsonBytesDepth(bytes, Infinity) })
  })
})

describe('scanJson caps', () => {
  it('refuses nesting deeper than maxDepth and accepts maxDepth itself', () => {
    const nested = (depth: number) => '{"batch":' + '['.repeat(depth - 1) + ']'.repeat(depth - 1) + '}'
    expect(scanJson(Buffer.from(nested(128)), { maxDepth: 128, maxBytes: 1e6 }).ok).toBe(true)
    const out = scanJson(Buffer.from(nested(100_000)), { maxDepth: 128, maxBytes: 1e6 })
    expect(out).toMatchObject({ ok: false, problem: 'too_deeply_nested' })
    expect(!out.ok && out.message).toMatch(/more than 128 levels/)
  })
  it('refuses a body over maxBytes before scanning it', () => {
    const body = Buffer.from(JSON.stringify({ batch: [{ type: 'track', event: 'x'.repeat(500) }] }))
    expect(scanJson(body, { maxDepth: 128, maxBytes: body.length }).ok).toBe(true)
    expect(scanJson(body, { maxDepth: 128, maxBytes: body.length - 1 })).toMatchObject({ ok: false, problem: 'too_large' })
  })
})
