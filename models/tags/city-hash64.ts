// ClickHouse's cityHash64 of String arguments, for the rare cases Pulse must order facts as the
// engine keys them without asking it (models/tags/features-from-facts.ts, same-millisecond ties).
// CityHash64 v1.0.2 (Pike & Alakuijala, Google 2011; the version ClickHouse ships), over each
// argument's UTF-8 bytes; several arguments combine as ClickHouse does: h = Hash128to64(h, next).
// BigInt arithmetic: a few microseconds a hash, fine for ties, not for every fact.

const MASK = (1n << 64n) - 1n
const K0 = 0xc3a5c85c97cb3127n
const K1 = 0xb492b66fbe98f273n
const K2 = 0x9ae16a3b2f90404fn
const K3 = 0xc949d7c7509e6557n
const K_MUL = 0x9ddfea08eb382d69n

const mul = (a: bigint, b: bigint) => (a * b) & MASK
const add = (...xs: bigint[]) => xs.reduce((s, x) => s + x, 0n) & MASK
const sub = (a: bigint, b: bigint) => (a - b) & MASK

function rotate(v: bigint, shift: number): bigint {
  if (shift === 0) return v
  const s = BigInt(shift)
  return ((v >> s) | (v << (64n - s))) & MASK
}

const shiftMix = (v: bigint) => v ^ (v >> 47n)

/** CityHash's Hash128to64 of (low, high): how ClickHouse combines the hashes of several arguments. */
export function hash128to64(low: bigint, high: bigint): bigint {
  let a = mul(low ^ high, K_MUL)
  a ^= a >> 47n
  let b = mul(high ^ a, K_MUL)
  b ^= b >> 47n
  return mul(b, K_MUL)
}

const fetch64 = (s: Uint8Array, i: number) => new DataView(s.buffer, s.byteOffset + i, 8).getBigUint64(0, true)
const fetch32 = (s: Uint8Array, i: number) => BigInt(new DataView(s.buffer, s.byteOffset + i, 4).getUint32(0, true))

function hashLen0to16(s: Uint8Array): bigint {
  const len = s.length
  if (len > 8) {
    const a = fetch64(s, 0)
    const b = fetch64(s, len - 8)
    return hash128to64(a, rotate(add(b, BigInt(len)), len)) ^ b
  }
  if (len >= 4) {
    const a = fetch32(s, 0)
    return hash128to64(add(BigInt(len), a << 3n), fetch32(s, len - 4))
  }
  if (len > 0) {
    const y = BigInt(s[0]) + (BigInt(s[len >> 1]) << 8n)
    const z = BigInt(len) + (BigInt(s[len - 1]) << 2n)
    return mul(shiftMix(mul(y, K2) ^ mul(z, K3)), K2)
  }
  return K2
}

function hashLen17to32(s: Uint8Array): bigint {
  const len = s.length
  const a = mul(fetch64(s, 0), K1)
  const b = fetch64(s, 8)
  const c = mul(fetch64(s, len - 8), K2)
  const d = mul(fetch64(s, len - 16), K0)
  return hash128to64(add(rotate(sub(a, b), 43), rotate(c, 30), d), sub(add(a, rotate(b ^ K3, 20), BigInt(len)), c))
}

function weakHashLen32WithSeeds(s: Uint8Array, i: number, a: bigint, b: bigint): [bigint, bigint] {
  const w = fetch64(s, i), x = fetch64(s, i + 8), y = fetch64(s, i + 16), z = fetch64(s, i + 24)
  a = add(a, w)
  b = rotate(add(b, a, z), 21)
  const c = a
  a = add(a, x, y)
  b = add(b, rotate(a, 44))
  return [add(a, z), add(b, c)]
}

function hashLen33to64(s: Uint8Array): bigint {
  const len = s.length
  let z = fetch64(s, 24)
  let a = add(fetch64(s, 0), mul(add(BigInt(len), fetch64(s, len - 16)), K0))
  let b = rotate(add(a, z), 52)
  let c = rotate(a, 37)
  a = add(a, fetch64(s, 8))
  c = add(c, rotate(a, 7))
  a = add(a, fetch64(s, 16))
  const vf = add(a, z)
  const vs = add(b, rotate(a, 31), c)
  a = add(fetch64(s, 16), fetch64(s, len - 32))
  z = fetch64(s, len - 8)
  b = rotate(add(a, z), 52)
  c = rotate(a, 37)
  a = add(a, fetch64(s, len - 24))
  c = add(c, rotate(a, 7))
  a = add(a, fetch64(s, len - 16))
  const wf = add(a, z)
  const ws = add(b, rotate(a, 31), c)
  const r = shiftMix(add(mul(add(vf, ws), K2), mul(add(wf, vs), K0)))
  return mul(shiftMix(add(mul(r, K0), vs)), K2)
}

/** CityHash64 v1.0.2 of bytes. */
export function cityHash64Bytes(s: Uint8Array): bigint {
  const len0 = s.length
  if (len0 <= 16) return hashLen0to16(s)
  if (len0 <= 32) return hashLen17to32(s)
  if (len0 <= 64) return hashLen33to64(s)
  let x = fetch64(s, 0)
  let y = fetch64(s, len0 - 16) ^ K1
  let z = fetch64(s, len0 - 56) ^ K0
  let v = weakHashLen32WithSeeds(s, len0 - 64, BigInt(len0), y)
  let w = weakHashLen32WithSeeds(s, len0 - 32, mul(BigInt(len0), K1), K0)
  z = add(z, mul(shiftMix(v[1]), K1))
  x = mul(rotate(add(z, x), 39), K1)
  y = mul(rotate(y, 33), K1)
  let len = (len0 - 1) & ~63
  let i = 0
  do {
    x = mul(rotate(add(x, y, v[0], fetch64(s, i + 16)), 37), K1)
    y = mul(rotate(add(y, v[1], fetch64(s, i + 48)), 42), K1)
    x ^= w[1]
    y ^= v[0]
    z = rotate(z ^ w[0], 33)
    v = weakHashLen32WithSeeds(s, i, mul(v[1], K1), add(x, w[0]))
    w = weakHashLen32WithSeeds(s, i + 32, add(z, w[1]), y)
    ;[z, x] = [x, z]
    i += 64
    len -= 64
  } while (len !== 0)
  return hash128to64(add(hash128to64(v[0], w[0]), mul(shiftMix(y), K1), z), add(hash128to64(v[1], w[1]), x))
}

/** ClickHouse's cityHash64(a, b, …) of String arguments, as the unsigned 64-bit number it returns. */
export function cityHash64(...parts: string[]): bigint {
  let h: bigint | undefined
  for (const p of parts) {
    const next = cityHash64Bytes(Buffer.from(p, 'utf8'))
    h = h === undefined ? next : hash128to64(h, next)
  }
  return h ?? 0n
}
