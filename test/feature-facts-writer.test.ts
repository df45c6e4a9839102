// The fast encoding of facts from escape-free requests writes the same lines as the escaping one.
import { describe, expect, it } from 'vitest'
import type { EventFact } from '../models/tags/event-facts.ts'
import { FACT_COLUMNS, factLines } from '../sql/writers/feature-facts-writer.ts'

const bare: EventFact = {
  source: 'web', messageId: 'm-1', keyId: 'u-1', ts: 1_780_000_000_000, receivedAt: 1_780_000_000_100, activity: true, login: true, order: false, amount: 0, coupon: false,
  category: '', channel: '', complaint: '', complaintId: '', severity: '', enquiry: false, topic: '', nps: null, region: '', ageBand: '', plan: '',
}

describe('factLines', () => {
  it('writes one line of every column per fact, alike with and without escaping', () => {
    const facts: EventFact[] = [
      bare,
      { ...bare, messageId: 'm-2', order: true, amount: 12.5, coupon: true, category: 'shoes', channel: 'email' },
      { ...bare, messageId: 'm-3', complaint: 'filed', complaintId: 'c-1', severity: 'major', enquiry: true, topic: 'billing', nps: 9, region: 'north', ageBand: '25-34', plan: 'pro' },
      { ...bare, messageId: 'm-4', ts: 1_780_000_000_001, activity: false, login: false },
    ]
    const plain = factLines(facts, true)
    expect(plain).toBe(factLines(facts, false))
    expect(plain.split('\n').slice(0, -1).map((l) => l.split('\t').length)).toEqual(facts.map(() => FACT_COLUMNS.length))
  })
})
