// A pushed change set is split into parts of at most PERSONS_PER_MESSAGE persons, each person in
// exactly one part on its own side, every part with the same cursors and an id of its own.
import { describe, expect, it } from 'vitest'
import { PERSONS_PER_MESSAGE, audienceChangeMessages } from '../models/tags/audience-change-message.ts'

const persons = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => ({ person_id: `${prefix}${i}`, ids: [`${prefix}-id-${i}`] }))

describe('audience change messages', () => {
  it('split a large change set into parts that hold every person once', () => {
    const joined = persons('j', 2 * PERSONS_PER_MESSAGE + 10)
    const left = persons('l', PERSONS_PER_MESSAGE - 3)
    const messages = audienceChangeMessages({ audience: 'big', joined, left, members: 5000, cursor: 'c1', nextCursor: 'c2', seq: 42, at: Date.UTC(2026, 10, 1) })
    expect(messages).toHaveLength(Math.ceil((joined.length + left.length) / PERSONS_PER_MESSAGE))
    for (const [i, m] of messages.entries()) {
      expect(m.body.joined.length + m.body.left.length).toBeLessThanOrEqual(PERSONS_PER_MESSAGE)
      expect(m.body).toMatchObject({ audience: 'big', members: 5000, cursor: 'c1', next_cursor: 'c2', part: i + 1, parts: messages.length, at: '2026-11-01T00:00:00.000Z' })
    }
    expect(messages.flatMap((m) => m.body.joined)).toEqual(joined)
    expect(messages.flatMap((m) => m.body.left)).toEqual(left)
    expect(new Set(messages.map((m) => m.msgID)).size).toBe(messages.length)
  })

  it('send a change set that fits as one part', () => {
    const messages = audienceChangeMessages({ audience: 'small', joined: persons('j', 2), left: [], members: 2, cursor: null, nextCursor: 'c', seq: 1, at: 0 })
    expect(messages.map((m) => [m.body.part, m.body.parts, m.body.joined.length])).toEqual([[1, 1, 2]])
  })
})
