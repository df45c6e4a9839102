// Loads the .sql files of this folder; SQL lives nowhere else.
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
const cache = new Map<string, string>()

/**
 * The text of `sql/queries/<name>.sql`, each line `-- @include <part>` replaced by the text of
 * `sql/queries/<part>.sql` (an expression several statements share, kept in one place).
 */
export function query(name: string, including: string[] = []): string {
  let text = cache.get(name)
  if (text === undefined) {
    if (including.includes(name)) throw new Error(`sql/queries/${name}.sql includes itself (${[...including, name].join(' -> ')})`)
    const raw = readFileSync(path.join(here, 'queries', `${name}.sql`), 'utf8').trim()
    text = raw.replace(/^[ \t]*-- @include ([a-z0-9_]+)[ \t]*$/gm, (_, part: string) => query(part, [...including, name]))
    cache.set(name, text)
  }
  return text
}

/**
 * `text` with its `-- @filter_passes` line replaced by the filters' verdicts
 * (property_filter_passes.sql), or, when the request has no filters, by an empty verdict
 * (no_filter_passes.sql): the engine would analyse the large expression for nothing, about 50 ms
 * of a statement.
 */
export function withFilterPasses(text: string, filtered: boolean): string {
  return text.replace(/^[ \t]*-- @filter_passes.*$/m, query(filtered ? 'property_filter_passes' : 'no_filter_passes'))
}

export interface Migration {
  version: number
  name: string
  statements: string[]
}

/** Numbered migrations `NNN_name.sql`, in order; a file may hold several statements split by `;`. */
export function migrations(): Migration[] {
  const dir = path.join(here, 'migrations')
  return readdirSync(dir)
    .filter((f) => /^\d+_.+\.sql$/.test(f))
    .sort()
    .map((f) => {
      const text = readFileSync(path.join(dir, f), 'utf8')
      const withoutComments = text
        .split('\n')
        .filter((l) => !l.trim().startsWith('--'))
        .join('\n')
      return {
        version: Number(f.split('_')[0]),
        name: f.replace(/\.sql$/, ''),
        statements: withoutComments.split(/;\s*(?:\n|$)/).map((s) => s.trim()).filter(Boolean),
      }
    })
}
