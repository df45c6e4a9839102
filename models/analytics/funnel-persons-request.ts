// The body of POST /api/funnels/persons (README, "Funnels", persons): a funnel request plus the
// step and status of the persons to list, and optionally the name of a tag to save them as.
import { parseFunnelRequest, type FunnelRequest } from './funnel-request.ts'
import { AnalysisRequestError } from './request-error.ts'

export const PERSON_STATUSES = ['dropped', 'converted'] as const
export type PersonStatus = (typeof PERSON_STATUSES)[number]

/** The tag a saved list becomes: `funnel_dropoff:<name>`. */
export const SAVED_TAG_PREFIX = 'funnel_dropoff:'
const SAVE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/

export interface FunnelPersonsRequest {
  funnel: FunnelRequest
  status: PersonStatus
  /** 0-based step. */
  step: number
  /** The tag to save every listed person as, or null to list a page. */
  saveAs: string | null
  /** Left to the HTTP layer: how to page and encode the answer. */
  format: unknown
  cursor: unknown
  limit: unknown
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

export function parseFunnelPersonsRequest(body: unknown, nowMs: number): FunnelPersonsRequest {
  if (!isObject(body)) throw new AnalysisRequestError('body', 'expected a JSON object with "steps", "step" and "status"')
  const { step, status, save_as, format, cursor, limit, ...rest } = body
  for (const other of ['histogram', 'interval']) {
    if (other in rest) throw new AnalysisRequestError(other, 'not part of a persons list: ask POST /api/funnels for it')
  }
  const funnel = parseFunnelRequest(rest, nowMs)
  const n = funnel.steps.length
  if (!PERSON_STATUSES.includes(status as PersonStatus)) throw new AnalysisRequestError('status', `expected one of ${PERSON_STATUSES.join(', ')}, got ${JSON.stringify(status)}`)
  if (typeof step !== 'number' || !Number.isInteger(step) || step < 0 || step >= n) throw new AnalysisRequestError('step', `expected a step index from 0 to ${n - 1}`)
  if (status === 'dropped' && step === n - 1) {
    throw new AnalysisRequestError('step', `step ${step} is the last: nobody drops off after it; use "status": "converted" for the persons who reached it`)
  }
  let saveAs: string | null = null
  if (save_as !== undefined) {
    if (typeof save_as !== 'string' || !SAVE_NAME.test(save_as)) {
      throw new AnalysisRequestError('save_as', 'expected a name of 1 to 100 letters, digits, "_", "." or "-", starting with a letter or digit')
    }
    saveAs = save_as
  }
  return { funnel, status: status as PersonStatus, step, saveAs, format, cursor, limit }
}
