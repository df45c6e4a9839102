// The dependency direction of DESIGN.md: models imports nothing of ours; sql may import models;
// ingest and dashboards may import models and sql; pipelines may import everything. Also the
// house rules that are cheap to check mechanically.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..')
const allowed: Record<string, string[]> = {
  models: ['models'],
  sql: ['sql', 'models'],
  ingest: ['ingest', 'models', 'sql'],
  dashboards: ['dashboards', 'models', 'sql'],
  pipelines: ['pipelines', 'ingest', 'models', 'sql', 'dashboards'],
}

function sourceFiles(dir: string): string[] {
  const full = path.join(root, dir)
  try {
    statSync(full)
  } catch {
    return []
  }
  return readdirSync(full, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(ts|mjs)$/.test(f))
    .map((f) => path.join(full, f))
}

describe('layering', () => {
  for (const [layer, may] of Object.entries(allowed)) {
    it(`${layer}/ imports only from ${may.join(', ')}`, () => {
      for (const file of sourceFiles(layer)) {
        const text = readFileSync(file, 'utf8')
        for (const m of text.matchAll(/from\s+'(\.{1,2}\/[^']+)'/g)) {
          const target = path.relative(root, path.resolve(path.dirname(file), m[1])).split(path.sep)[0]
          expect(may, `${path.relative(root, file)} imports ${m[1]}`).toContain(target)
        }
      }
    })
  }

  it('only pipelines/config.ts reads process.env', () => {
    for (const layer of Object.keys(allowed)) {
      for (const file of sourceFiles(layer)) {
        if (file.endsWith(path.join('pipelines', 'config.ts'))) continue
        expect(readFileSync(file, 'utf8'), path.relative(root, file)).not.toMatch(/process\.env/)
      }
    }
  })

  it('no SQL text in TypeScript outside sql/ files', () => {
    for (const layer of Object.keys(allowed)) {
      for (const file of sourceFiles(layer)) {
        expect(readFileSync(file, 'utf8'), path.relative(root, file)).not.toMatch(/\b(SELECT|INSERT INTO|CREATE TABLE|ALTER TABLE)\s/)
      }
    }
  })
})
