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
