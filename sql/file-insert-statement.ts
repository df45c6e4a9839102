// The embedded engine's insert of a spooled file, with the file's path written into the statement
// as a quoted literal instead of bound. chdb's Node binding runs statements with bound parameters
// one at a time across the whole process (against a race in the library's parameter state), so a
// bound insert of events waited for the profile stage's reads and they for it, and the engine
// never ran two of them at once; an unbound statement runs beside the others, each session on its
// own. The path is Pulse's own (a file of its spool folder, spool-folder.ts), escaped as any
// literal: a data folder named by the operator may hold quotes or backslashes. file() also reads
// its path as a glob, with no escape: a path with a glob character is refused (the spool folder
// never has one, spool-folder.ts), since a glob that matches nothing inserts nothing, silently.
import { replacePlaceholders } from './read-path/placeholder-scan.ts'
import { GLOB_CHARACTERS } from './spool-folder.ts'
import { query } from './sql-files.ts'
import { stringLiteral } from './string-literal.ts'

/** sql/queries/<name>.sql, its one parameter `{path:String}` replaced by `file` as a literal. */
export function fileInsertStatement(name: string, file: string): string {
  if (!file.startsWith('/') || file.includes('\0')) throw new Error(`spool file ${JSON.stringify(file)} is not an absolute path`)
  if (GLOB_CHARACTERS.test(file)) throw new Error(`spool file ${JSON.stringify(file)} holds one of * ? { }, which the engine would read as a glob`)
  return replacePlaceholders(query(name), ({ name: param, type }) => {
    if (param !== 'path' || type !== 'String') throw new Error(`sql/queries/${name}.sql: a file insert takes only {path:String}, not {${param}:${type}}`)
    return stringLiteral(file)
  })
}
