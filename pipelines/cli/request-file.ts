// `--request FILE` of the analysis commands: a whole JSON request body, whose fields the command's
// flags then override.
import { readFileSync } from 'node:fs'
import { userError } from './user-error.ts'

/** The JSON object in `file`; `what` names the request in messages ("retention request"). */
export function readRequestFile(file: string, what: string): Record<string, unknown> {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (e) {
    throw userError(`cannot read --request ${file} (${(e as NodeJS.ErrnoException).code ?? String(e)}): pass a JSON file with the ${what}`)
  }
  try {
    const body = JSON.parse(text)
    if (typeof body === 'object' && body !== null && !Array.isArray(body)) return body
  } catch {
    // reported below
  }
  throw userError(`--request ${file} is not a JSON object: write the ${what} as in the README`)
}
