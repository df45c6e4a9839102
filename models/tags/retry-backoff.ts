// How long a failed webhook delivery waits before its next attempt: 1 s after the first failure,
// doubling, at most 5 minutes, so a receiver that is down for hours is asked every 5 minutes.
export const FIRST_RETRY_MS = 1000
export const LONGEST_RETRY_MS = 5 * 60_000

/** The wait after failed attempt number `attempt` (1 = the first one). */
export function retryDelayMs(attempt: number): number {
  return Math.min(LONGEST_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, Math.min(attempt - 1, 30)))
}
