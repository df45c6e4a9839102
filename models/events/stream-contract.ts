// The message contract between the HTTP edge and the stream processor: the subjects ingest
// publishes on and the headers it sets on each stored request. Both edges import it from here,
// so neither imports the other.

export const EVENTS_SUBJECT = 'pulse.events'
export const REJECTED_SUBJECT = 'pulse.rejected'

export const HEADER = {
  format: 'Pulse-Format',
  source: 'Pulse-Source',
  receivedAt: 'Pulse-Received-At',
  ip: 'Pulse-Ip',
  sdkInfo: 'Pulse-Sdk-Info',
  historical: 'Pulse-Historical',
  /** The deepest nesting in the request body, measured at ingest: lets the processor skip per-event depth checks. */
  depth: 'Pulse-Depth',
  reason: 'Pulse-Reason',
  detail: 'Pulse-Detail',
} as const
