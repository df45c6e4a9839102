// The embedded engine's insert statement must name the columns in the order the writer encodes them.
import { describe, expect, it } from 'vitest'
import { query } from '../sql/sql-files.ts'
import { EVENT_COLUMNS } from '../sql/writers/event-writer.ts'
import { FACT_COLUMNS } from '../sql/writers/feature-facts-writer.ts'

describe('insert_events_from_file.sql', () => {
  it('lists exactly EVENT_COLUMNS, in order', () => {
    const text = query('insert_events_from_file').replace(/--.*$/gm, '')
    const list = /INSERT INTO events \(([^)]*)\)/.exec(text)?.[1] ?? ''
    expect(list.split(',').map((c) => c.trim())).toEqual([...EVENT_COLUMNS])
  })
})

describe('insert_feature_facts_from_file.sql', () => {
  it('lists exactly FACT_COLUMNS, in order', () => {
    const text = query('insert_feature_facts_from_file').replace(/--.*$/gm, '')
    const list = /INSERT INTO feature_facts_input \(([^)]*)\)/.exec(text)?.[1] ?? ''
    expect(list.split(',').map((c) => c.trim())).toEqual([...FACT_COLUMNS])
  })
})
