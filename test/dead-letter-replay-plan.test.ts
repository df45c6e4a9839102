// What `pulse dead-letters replay` re-submits for a dead letter: the events its raw JSON holds,
// on the route of their SDK family, with their message ids and times kept.
import { describe, expect, it } from 'vitest'
import { WHOLE_REQUEST } from '../models/events/event-row.ts'
import { replayPlan, type DeadLetter } from '../pipelines/cli/dead-letter-events.ts'

const letter = (raw: string, position: number): DeadLetter => ({
  source: 'web', reason: 'r', message_id: '', raw, received_ms: Date.UTC(2026, 0, 2), stream_seq: 7, position, stored: 0,
})

describe('replayPlan', () => {
  it('re-submits a Segment event as it was, adding the first receive time when it had no time', () => {
    const timed = { type: 'track', messageId: 'm1', event: 'E', userId: 'u', timestamp: '2026-01-01T00:00:00.000Z' }
    expect(replayPlan(letter(JSON.stringify(timed), 3))).toEqual({ ok: true, route: 'segment', events: [timed] })
    const untimed = { type: 'identify', messageId: 'm2', userId: 'u' }
    expect(replayPlan(letter(JSON.stringify(untimed), 0))).toEqual({ ok: true, route: 'segment', events: [{ ...untimed, timestamp: '2026-01-02T00:00:00.000Z' }] })
  })

  it('re-submits a PostHog event on the PostHog route, unchanged', () => {
    const e = { event: '$pageview', distinct_id: 'd', uuid: '01890000-0000-7000-8000-000000000001', properties: {} }
    expect(replayPlan(letter(JSON.stringify(e), 1))).toEqual({ ok: true, route: 'posthog', events: [e] })
  })

  it('re-submits the events of a whole dead-lettered batch', () => {
    const batch = [{ type: 'track', messageId: 'a', event: 'E', userId: 'u', timestamp: '2026-01-01T00:00:00.000Z' }, { type: 'page', messageId: 'b', userId: 'u', timestamp: '2026-01-01T00:00:00.000Z' }]
    expect(replayPlan(letter(JSON.stringify({ batch, sentAt: '2026-01-01T00:00:01.000Z' }), WHOLE_REQUEST))).toEqual({ ok: true, route: 'segment', events: batch })
  })

  it('says why a dead letter cannot be replayed', () => {
    expect(replayPlan(letter('{"batch": [', WHOLE_REQUEST))).toEqual({ ok: false, why: 'its raw text is not JSON' })
    expect(replayPlan(letter('[1, 2]', WHOLE_REQUEST))).toEqual({ ok: false, why: 'it holds no event objects' })
    expect(replayPlan(letter('{"foo": 1}', 0))).toMatchObject({ ok: false })
  })
})
