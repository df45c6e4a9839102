// README's "Customer profiles and tags" shows the catalog as the code states it (each rule's
// plain-language description with the default thresholds) and names every setting a config file
// may override, so the documentation cannot drift from the rules.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { TAG_CATALOG } from '../models/tags/tag-catalog.ts'
import { DEFAULT_TAG_SETTINGS, TAG_SETTING_RANGES } from '../models/tags/tag-settings.ts'

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
const section = readme.slice(readme.indexOf('## Customer profiles and tags'), readme.indexOf('\n## ', readme.indexOf('## Customer profiles and tags') + 1))

describe('README catalog', () => {
  it('has one row per catalog entry with its layer and rule at the default thresholds', () => {
    for (const e of TAG_CATALOG) expect(section).toContain(`| \`${e.id}\` | ${e.layer} | ${e.describe(DEFAULT_TAG_SETTINGS)} |`)
  })

  it('names every setting of the config file', () => {
    for (const [group, fields] of Object.entries(TAG_SETTING_RANGES)) {
      for (const name of Object.keys(fields)) expect(section).toContain(`\`tags.${group}.${name}\``)
    }
  })
})
