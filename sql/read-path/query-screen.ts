// Checks an analyst query on the engine's own reading of it, never on its raw text: the syntax
// tree (EXPLAIN AST, parsed but not run) and the analysed query tree (EXPLAIN QUERY TREE, every
// table resolved to its database). A query may read the Pulse database and a few harmless
// generators, nothing else: no other database (system tables leak paths, settings and other
// queries), no table function that reaches outside, no function that reads files or lookups.

/** Table functions that only generate values. */
const GENERATORS = new Set(['numbers', 'numbers_mt', 'zeros', 'zeros_mt', 'generate_series', 'generateSeries', 'values'])

/** Tables outside the Pulse database that only generate values (a query without FROM reads system.one). */
const GENERATOR_TABLES = new Set(['system.one', 'system.numbers', 'system.numbers_mt', 'system.zeros', 'system.zeros_mt'])

/** Functions that read files, other tables by name, dictionaries, or describe the host. */
const OUTSIDE_FUNCTIONS = new Set([
  'file', 'joinGet', 'joinGetOrNull', 'hasColumnInTable', 'catboostEvaluate', 'naiveBayesClassifier', 'evalMLMethod',
  'getServerSetting', 'getMergeTreeSetting', 'getMacro', 'getClientHTTPHeader', 'hostName', 'hostname', 'fqdn',
  'filesystemAvailable', 'filesystemCapacity', 'filesystemUnreserved', 'currentProfiles', 'currentRoles',
  'enabledRoles', 'defaultRoles', 'buildId', 'serverUUID', 'getOSKernelVersion', 'globalVariable', 'fuzzQuery',
])

interface Node {
  label: string
  parent: string
}

/** The lines of an EXPLAIN output with the label of the line they hang under (by indentation). */
function nodes(lines: string[]): Node[] {
  const stack: Array<{ depth: number; label: string }> = []
  const out: Node[] = []
  for (const line of lines) {
    const depth = line.length - line.trimStart().length
    const label = line.trim()
    while (stack.length && stack[stack.length - 1].depth >= depth) stack.pop()
    out.push({ label, parent: stack[stack.length - 1]?.label ?? '' })
    stack.push({ depth, label })
  }
  return out
}

function tableAllowed(name: string, database: string): boolean {
  return !name.includes('.') || name.startsWith(`${database}.`) || GENERATOR_TABLES.has(name)
}

/** Why the parsed query may not run, or null. `ast` holds the lines of EXPLAIN AST. */
export function syntaxRefusal(ast: string[], database: string): string | null {
  // Anything but the expected shape is refused rather than read past.
  if (!ast[0]?.startsWith('SelectWithUnionQuery')) return 'the query could not be checked: send one plain SELECT'
  for (const { label, parent } of nodes(ast)) {
    // A SETTINGS clause in a subquery is applied even in a read-only session (seen with chdb 3.4).
    if (label === 'Set' || label.startsWith('Set ')) return 'a SETTINGS clause is not allowed: the limits of the query API are fixed'
    const fn = /^Function (\S+)/.exec(label)?.[1]
    if (fn !== undefined && parent.startsWith('TableExpression')) {
      if (!GENERATORS.has(fn)) return `table function ${fn}() is not allowed: query the tables of database ${database}`
    } else if (fn !== undefined && (OUTSIDE_FUNCTIONS.has(fn) || fn.startsWith('dict'))) {
      return `function ${fn}() is not allowed: it reaches outside the tables of database ${database}`
    }
    const table = /^TableIdentifier (\S+)/.exec(label)?.[1]
    if (table !== undefined && !tableAllowed(table, database)) return `table ${table} is not readable: only the tables of database ${database} are`
  }
  return null
}

/** Why the analysed query may not run, or null. `tree` holds the lines of EXPLAIN QUERY TREE. */
export function treeRefusal(tree: string[], database: string): string | null {
  if (!tree[0]?.startsWith('QUERY id:')) return 'the query could not be checked: send one plain SELECT'
  for (const line of tree) {
    const table = /^\s*TABLE id: .*\btable_name: ([^,\s]+)/.exec(line)?.[1]
    if (table !== undefined && !(table.startsWith(`${database}.`) || GENERATOR_TABLES.has(table))) {
      return `table ${table} is not readable: only the tables of database ${database} are`
    }
    const fn = /^\s*TABLE_FUNCTION id: .*\btable_function_name: ([^,\s]+)/.exec(line)?.[1]
    if (fn !== undefined && !GENERATORS.has(fn)) return `table function ${fn}() is not allowed: query the tables of database ${database}`
  }
  return null
}
