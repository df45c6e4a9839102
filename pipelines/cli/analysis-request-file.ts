// `--request FILE` of the analysis commands: a whole JSON request body, whose fields the command's
// flags then override. What a person can get wrong (a missing file, text that is not a JSON
// object) is said in one line.
import { readFileSync } from 'node:fs'
import { userError } from './user-error.ts'

/** `section`: where the README describes the request, e.g. "Paths". */
export function analysisRequestFile(file: string | undefined, section: string): Record<string, unknown> {
  if (file === undefined) return {}
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (e) {
    throw userError(`cannot read --request ${file} (${(e as NodeJS.ErrnoException).code ?? String(e)}): pass a JSON file with the request`)
  }
  try {
    const body = JSON.parse(text)
    if (typeof body === 'object' && body !== null && !Array.isArray(body)) return body
  } catch {
    // reported below
  }
  throw userError(`--request ${file} is not a JSON object: write the request as in the README's ${section} section`)
}

/** A comma-separated flag as a list of trimmed names. */
export function nameList(text: string): string[] {
  return text.split(',').map((s) => s.trim())
}

/** A whole-number flag as a number; anything else goes as given, for the server to name. */
export function numberFlag(text: string): number | string {
  return /^-?\d+$/.test(text.trim()) ? Number(text) : text
}
