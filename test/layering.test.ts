// The dependency direction of the layout (README, "Layout"): models imports nothing of ours; sql
// may import models; ingest and dashboards may import models and sql; pipelines may import all;
// inside models each sub-domain imports only the ones below it. No import cycles, type-only ones
// included. Also the house rules that are cheap to check mechanically.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { area, importCycles, importEdges, sourceFiles } from './helpers/import-graph.ts'

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..')

const TOP: Record<string, string[]> = {
  models: ['models'],
  sql: ['sql', 'models'],
  ingest: ['ingest', 'models', 'sql'],
  dashboards: ['dashboards', 'models', 'sql'],
  pipelines: ['pipelines', 'ingest', 'models', 'sql', 'dashboards'],
}
const MODELS: Record<string, string[]> = {
  'models/numerics': [],
  'models/events': [],
  'models/value': ['models/numerics'],
  'models/simulation': ['models/value', 'models/numerics'],
  'models/identity': ['models/events'],
  'models/tags': ['models/events', 'models/identity', 'models/value'],
  'models/analytics': ['models/events', 'models/identity'],
  'models/churn': ['models/value', 'models/numerics', 'models/tags', 'models/events'],
  'models/dashboards': ['models/value', 'models/analytics', 'models/events', 'models/identity'],
  'models/exports': [],
}

const LAYERS = Object.keys(TOP)

/** Every broken rule in the tree at `tree`, as sentences. */
function violations(tree: string): string[] {
  const files = LAYERS.flatMap((l) => sourceFiles(tree, l))
  const out: string[] = []
  for (const f of files) {
    if (f.split('/').length < 3 && f.startsWith('models/')) out.push(`${f} is not inside a models/ sub-domain`)
    else if (f.startsWith('models/') && !(area(f, 2) in MODELS)) out.push(`${f} is in an unknown models/ sub-domain`)
  }
  const edges = importEdges(tree, files)
  for (const { from, to } of edges) {
    if (!TOP[area(from, 1)].includes(area(to, 1))) out.push(`${from} imports ${to}`)
    if (from.startsWith('models/') && to.startsWith('models/') && area(from, 2) !== area(to, 2) && !(MODELS[area(from, 2)] ?? []).includes(area(to, 2))) {
      out.push(`${from} imports ${to} (another models/ sub-domain)`)
    }
  }
  for (const cycle of importCycles(edges)) out.push(`import cycle: ${cycle.join(' -> ')}`)
  return out
}

const scratch: string[] = []
afterAll(() => scratch.forEach((d) => rmSync(d, { recursive: true, force: true })))

describe('layering', () => {
  it('every layer holds source files and every file follows the dependency direction, without cycles', () => {
    for (const layer of ['models', 'sql', 'ingest', 'pipelines']) expect(sourceFiles(root, layer).length, layer).toBeGreaterThan(0)
    expect(violations(root)).toEqual([])
  })

  it('the check reports a wrong-way import and a type-only cycle', () => {
    const tree = mkdtempSync(path.join(os.tmpdir(), 'pulse-layering-'))
    scratch.push(tree)
    for (const layer of ['models', 'sql']) cpSync(path.join(root, layer), path.join(tree, layer), { recursive: true })
    const bgnbd = path.join(tree, 'models/value/bgnbd.ts')
    writeFileSync(bgnbd, `import type { SeededRandom } from '../simulation/seeded-random.ts'\n` + readFileSync(bgnbd, 'utf8'))
    const rng = path.join(tree, 'models/simulation/seeded-random.ts')
    writeFileSync(rng, `import type { BgNbdParams } from '../value/bgnbd.ts'\nimport { query } from '../../sql/sql-files.ts'\n` + readFileSync(rng, 'utf8'))
    const found = violations(tree)
    expect(found).toContain('models/value/bgnbd.ts imports models/simulation/seeded-random.ts (another models/ sub-domain)')
    expect(found).toContain('models/simulation/seeded-random.ts imports sql/sql-files.ts')
    expect(found.some((v) => v.startsWith('import cycle:') && v.includes('models/value/bgnbd.ts') && v.includes('models/simulation/seeded-random.ts'))).toBe(true)
  })

  it('only pipelines/config.ts reads process.env', () => {
    for (const file of LAYERS.flatMap((l) => sourceFiles(root, l))) {
      if (file === 'pipelines/config.ts') continue
      expect(readFileSync(path.join(root, file), 'utf8'), file).not.toMatch(/process\.env/)
    }
  })

  it('no SQL text in TypeScript outside sql/ files', () => {
    for (const file of LAYERS.flatMap((l) => sourceFiles(root, l))) {
      expect(readFileSync(path.join(root, file), 'utf8'), file).not.toMatch(/\b(SELECT|INSERT INTO|CREATE TABLE|ALTER TABLE)\s/)
    }
  })
})
