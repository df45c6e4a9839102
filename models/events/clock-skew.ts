// Clock-skew correction, as Segment (`timestamp = receivedAt - (sentAt - originalTimestamp)`)
// and PostHog (`timestamp - (sent_at - now)`) define it: the device clock may be wrong, but the
// interval between creating and sending an event is measured on that one clock, so it is trusted.

/** Events stamped further ahead than this after correction are clamped (PostHog warns at 23 h). */
export const MAX_FUTURE_MS = 23 * 3600 * 1000

export interface CorrectedTime {
  ts: number
  warnings: string[]
}

export function correctClockSkew(
  timestamp: number | null,
  sentAt: number | null,
  receivedAt: number,
  skipCorrection = false,
): CorrectedTime {
  let ts: number
  if (timestamp === null) ts = receivedAt
  else if (sentAt === null || skipCorrection) ts = timestamp
  else ts = receivedAt - (sentAt - timestamp)
  if (ts - receivedAt > MAX_FUTURE_MS) {
    // Keep the event (nothing accepted is lost) but do not let it sit in the future of every query.
    return { ts: receivedAt, warnings: ['future_timestamp_clamped'] }
  }
  return { ts, warnings: [] }
}
