// The project's import graph, read from the source text: static imports (type-only ones too),
// re-exports, dynamic imports and worker entry URLs. Used by the layering test.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'

export interface ImportEdge {
  from: string
  to: string
}

const SPECIFIERS = [
  /\b(?:import|export)\s[^'"`;]*?\bfrom\s+'(\.{1,2}\/[^']+)'/g,
  /^\s*import\s+'(\.{1,2}\/[^']+)'/gm,
  /\bimport\(\s*'(\.{1,2}\/[^']+)'\s*\)/g,
  /new URL\(\s*'(\.{1,2}\/[^']+)'\s*,\s*import\.meta\.url\s*\)/g,
]

/** Source files (.ts, .mjs) under `dir`, relative to `root`, with `/` separators. */
export function sourceFiles(root: string, dir: string): string[] {
  const full = path.join(root, dir)
  if (!statSync(full, { throwIfNoEntry: false })?.isDirectory()) return []
  return readdirSync(full, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(ts|mjs)$/.test(f) && !f.split(path.sep).includes('node_modules'))
    .map((f) => path.posix.join(dir, f.split(path.sep).join('/')))
}

export function importEdges(root: string, files: string[]): ImportEdge[] {
  const edges: ImportEdge[] = []
  for (const from of files) {
    const text = readFileSync(path.join(root, from), 'utf8')
    for (const pattern of SPECIFIERS) {
      for (const m of text.matchAll(pattern)) {
        edges.push({ from, to: path.posix.normalize(path.posix.join(path.posix.dirname(from), m[1])) })
      }
    }
  }
  return edges
}

/** Every cycle's files, found by depth-first search (one cycle per back edge). */
export function importCycles(edges: ImportEdge[]): string[][] {
  const next = new Map<string, string[]>()
  for (const e of edges) next.set(e.from, [...(next.get(e.from) ?? []), e.to])
  const state = new Map<string, 'open' | 'done'>()
  const stack: string[] = []
  const cycles: string[][] = []
  const visit = (node: string) => {
    state.set(node, 'open')
    stack.push(node)
    for (const to of next.get(node) ?? []) {
      if (state.get(to) === 'open') cycles.push([...stack.slice(stack.indexOf(to)), to])
      else if (!state.has(to)) visit(to)
    }
    stack.pop()
    state.set(node, 'done')
  }
  for (const node of next.keys()) if (!state.has(node)) visit(node)
  return cycles
}

/** The folder an import rule applies to: `models/value`, `sql`, ... (`depth` path segments). */
export function area(file: string, depth: number): string {
  return file.split('/').slice(0, depth).join('/')
}
