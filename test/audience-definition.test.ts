// Audience definitions: the shorthands become tags (churn bands and value tiers one-of groups,
// drop-offs required), and membership is every `all` tag, a tag of each group and no `none` tag.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { audienceTags, isMember, parseAudienceDefinition, type AudienceDefinition } from '../models/tags/audience-definition.ts'

function parsed(body: Record<string, unknown>): AudienceDefinition {
  const result = parseAudienceDefinition(body)
  if (!result.ok) throw new Error(result.error)
  return result.audience
}

describe('audience definitions', () => {
  it('expands churn bands, value tiers and funnel drop-offs into tags', () => {
    const a = parsed({ name: 'win-back', all: ['region:north'], any: ['plan:pro', 'plan:team'], none: ['complaint_pending'], churn_bands: ['medium', 'high'], value_tiers: ['high_value'], funnel_dropoffs: ['checkout', 'signup'] })
    expect(audienceTags(a)).toEqual({
      all: ['region:north', 'funnel_dropoff:checkout', 'funnel_dropoff:signup'],
      any_of: [['plan:pro', 'plan:team'], ['churn:medium', 'churn:high'], ['tier:high_value']],
      none: ['complaint_pending'],
    })
  })

  it('a person is a member exactly when it holds every all tag, one tag of each group and no none tag', () => {
    const pool = ['a', 'b', 'c', 'churn:low', 'churn:high', 'tier:gold', 'tier:steady', 'funnel_dropoff:checkout']
    const subset = fc.uniqueArray(fc.constantFrom(...pool), { maxLength: 4 })
    fc.assert(
      fc.property(subset, subset, subset, fc.uniqueArray(fc.constantFrom('low', 'medium', 'high'), { maxLength: 2 }), fc.uniqueArray(fc.constantFrom('gold', 'steady'), { maxLength: 2 }), subset, (all, any, none, bands, tiers, held) => {
        const result = parseAudienceDefinition({ name: 'x', all, any, none, churn_bands: bands, value_tiers: tiers })
        if (!result.ok) return
        const h = new Set(held)
        const expected = all.every((t) => h.has(t)) && (any.length === 0 || any.some((t) => h.has(t))) && !none.some((t) => h.has(t)) &&
          (bands.length === 0 || bands.some((b) => h.has(`churn:${b}`))) && (tiers.length === 0 || tiers.some((t) => h.has(`tier:${t}`)))
        expect(isMember(h, audienceTags(result.audience))).toBe(expected)
      }),
    )
  })

  it('refuses what would select nobody or everyone, naming the field', () => {
    expect(parseAudienceDefinition({ name: 'x', none: ['a'] })).toMatchObject({ ok: false, error: expect.stringMatching(/^all: .*at least one tag/) })
    expect(parseAudienceDefinition({ name: 'x', all: ['a'], none: ['a'] })).toMatchObject({ ok: false, error: expect.stringMatching(/^none: "a" is also required/) })
    expect(parseAudienceDefinition({ name: 'x', value_tiers: ['Gold Tier'] })).toMatchObject({ ok: false, error: expect.stringMatching(/^value_tiers\[0\]:/) })
    expect(parseAudienceDefinition({ name: 'x'.repeat(65), all: ['a'] })).toMatchObject({ ok: false, error: expect.stringMatching(/^name:/) })
  })

  it('refuses tags with control or format characters or a lone surrogate, and takes any other text', () => {
    for (const bad of ['a\u0001', 'next\u0085line', 'bidi\u202eflip', 'half\ud800']) {
      expect(parseAudienceDefinition({ name: 'x', all: [bad] }), JSON.stringify(bad)).toMatchObject({ ok: false, error: expect.stringMatching(/^all\[0\]:/) })
    }
    expect(parsed({ name: 'x', all: ['region:Zürich 🙂'] }).all).toEqual(['region:Zürich 🙂'])
  })
})
