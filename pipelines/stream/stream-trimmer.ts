// Keeps room in the stream for new requests. The stream refuses writes when full (DiscardPolicy.New,
// so nothing unprocessed is ever dropped); processed requests stay as the replay window until the
// stream passes --stream-trim-percent of --max-stream-bytes, and then the oldest processed ones
// (never past the consumer's ack floor) are purged down to three quarters of that mark.
import type { JetStreamManager } from '@nats-io/jetstream'
import type { Logger } from 'pino'
import type { StreamSample } from './backlog-guard.ts'

export interface TrimSettings {
  stream: string
  maxStreamBytes: number
  trimPercent: number
}

/** The first sequence to keep, or undefined when nothing processed needs to go. */
export function trimPoint(s: StreamSample, t: TrimSettings): number | undefined {
  const mark = (t.maxStreamBytes * t.trimPercent) / 100
  if (s.streamBytes <= mark || s.streamMessages === 0 || s.ackFloor < s.firstSeq) return undefined
  const meanBytes = s.streamBytes / s.streamMessages
  const excess = s.streamBytes - mark * 0.75
  const keepFrom = s.firstSeq + Math.ceil(excess / meanBytes)
  return Math.min(keepFrom, s.ackFloor + 1)
}

export interface StreamTrimmer {
  /** Called with each sample; purges at most one range at a time. */
  onSample(s: StreamSample): void
}

export function streamTrimmer(jsm: JetStreamManager, t: TrimSettings, log: Logger): StreamTrimmer {
  let purging = false
  return {
    onSample(s) {
      const keepFrom = trimPoint(s, t)
      if (keepFrom === undefined || purging) return
      purging = true
      // seq: purge every message below it; all of them are acked (ack floor).
      jsm.streams
        .purge(t.stream, { seq: keepFrom })
        .then((r) => log.info({ purged: r.purged, keepFrom }, 'trimmed processed requests from the stream'))
        .catch((err) => log.warn({ err: String(err) }, 'trimming the stream failed; retrying at the next sample'))
        .finally(() => (purging = false))
    },
  }
}
