// Funnel request checks: each broken rule is refused naming the field to fix; a valid body parses
// with the documented defaults.
import { describe, expect, it } from 'vitest'
import { parseFunnelRequest } from '../models/analytics/funnel-request.ts'
import { AnalysisRequestError } from '../models/analytics/request-error.ts'

const NOW = Date.UTC(2026, 1, 1)
const two = [{ event: 'A' }, { event: 'B' }]

function fieldOf(body: unknown): string {
  try {
    parseFunnelRequest(body, NOW)
  } catch (e) {
    if (e instanceof AnalysisRequestError) return e.field
    throw e
  }
  return 'accepted'
}

describe('parseFunnelRequest', () => {
  it.each([
    [{ steps: [{ event: 'A' }] }, 'steps'],
    [{ steps: Array.from({ length: 21 }, () => ({ event: 'A' })) }, 'steps'],
    [{ steps: [{ event: 'A' }, { event: '' }] }, 'steps[1].event'],
    [{ steps: two, window: '7days' }, 'window'],
    [{ steps: two, window: '0d' }, 'window'],
    [{ steps: two, step_windows: [null, '1x'] }, 'step_windows[1]'],
    [{ steps: two, step_windows: ['1h', null] }, 'step_windows[0]'],
    [{ steps: two, step_windows: [null] }, 'step_windows'],
    [{ steps: two, order: 'loose' }, 'order'],
    [{ steps: [{ event: 'A', filters: [{ property: 'p', op: 'like', value: 'x' }] }, { event: 'B' }], order: 'ordered' }, 'steps[0].filters[0].op'],
    [{ steps: [{ event: 'A' }, { event: 'B', filters: [{ property: 'p', op: 'gt', value: 'x' }] }] }, 'steps[1].filters[0].value'],
    [{ steps: [{ event: 'A' }, { event: 'B', filters: [{ property: 'p', op: 'in', value: [] }] }] }, 'steps[1].filters[0].value'],
    [{ steps: two, exclusions: [{ event: 'X', from_step: 1, to_step: 1 }] }, 'exclusions[0].to_step'],
    [{ steps: two, exclusions: [{ event: 'X', from_step: 0, to_step: 2 }] }, 'exclusions[0].to_step'],
    [{ steps: two, exclusions: [{ event: 'B', from_step: 0, to_step: 1 }] }, 'exclusions[0].event'],
    [{ steps: two, order: 'any', exclusions: [{ event: 'X', from_step: 0, to_step: 1 }] }, 'exclusions'],
    [{ steps: two, breakdown: { property: 'channel', attribution: 'middle' } }, 'breakdown.attribution'],
    [{ steps: two, breakdown: { property: 'channel', attribution: 'step' } }, 'breakdown.step'],
    [{ steps: two, hold_constant: [1] }, 'hold_constant[0]'],
    [{ steps: two, from: '2026-02-30' }, 'from'],
    [{ steps: two, to: '2026-01-31T12:00:00' }, 'to'],
    [{ steps: two, from: '2026-02-01', to: '2026-01-01' }, 'from'],
    [{ steps: two, colour: 'red' }, 'colour'],
    [{ steps: two, from: '1800-01-01' }, 'from'],
    [{ steps: two, from: '2026-01-01', to: '9999-01-01T00:00:00Z' }, 'to'],
    [{ steps: two, histogram: { from_step: 1 } }, 'histogram.from_step'],
    [{ steps: [...two, { event: 'C' }], histogram: { from_step: 1, to_step: 1 } }, 'histogram.to_step'],
    [{ steps: two, histogram: { bins: 0 } }, 'histogram.bins'],
    [{ steps: two, histogram: { buckets: 5 } }, 'histogram.buckets'],
  ])('refuses %j naming %s', (body, field) => {
    expect(fieldOf(body)).toBe(field)
  })

  it('fills in the defaults: ordered, a 14-day window, the 30 days before now', () => {
    expect(parseFunnelRequest({ steps: two }, NOW)).toEqual({
      steps: [{ event: 'A', filters: [] }, { event: 'B', filters: [] }],
      windowMs: 14 * 86_400_000,
      stepWindowsMs: [null, null],
      order: 'ordered',
      exclusions: [],
      breakdown: null,
      holdConstant: [],
      fromMs: NOW - 30 * 86_400_000,
      toMs: NOW,
      histogram: null,
      interval: null,
    })
  })

  it.each([
    [{ steps: two, histogram: 20 }, /^histogram: expected \{ "from_step", "to_step", "bins" \}/],
    [{ steps: two, interval: 'month' }, /^interval: expected one of day, week/],
    [{ steps: two, interval: 'day', from: '2020-01-01', to: '2026-01-01' }, /^interval: the range has 2192 days, more than 1000/],
  ])('refuses %j saying what to send', (body, message) => {
    expect(() => parseFunnelRequest(body, NOW)).toThrow(message)
  })

  it('fills in the histogram defaults: first step to last, 20 bins', () => {
    const three = [...two, { event: 'C' }]
    expect(parseFunnelRequest({ steps: three, histogram: {}, interval: 'week' }, NOW)).toMatchObject({ histogram: { fromStep: 0, toStep: 2, bins: 20 }, interval: 'week' })
  })
})
