// An audience's change set as messages on `pulse.audiences.<name>.changed` (webhooks deliver them
// signed and retried): at most PERSONS_PER_MESSAGE persons each, so a large first push stays
// within the NATS payload limit (1 MB by default). Parts share the cursors and say which part of
// how many they are; each id names (audience, sync, part), so a part published twice is kept once.

export const PERSONS_PER_MESSAGE = 1000

export interface AudienceChangePerson {
  person_id: string
  ids: string[]
}

export interface AudienceChangeSetInput {
  audience: string
  joined: readonly AudienceChangePerson[]
  left: readonly AudienceChangePerson[]
  members: number
  /** The cursor the change set starts from (null: from nothing, every member joined). */
  cursor: string | null
  nextCursor: string
  seq: number
  /** Epoch ms of the sync. */
  at: number
}

export interface AudienceChangeMessage {
  msgID: string
  body: {
    audience: string
    joined: AudienceChangePerson[]
    left: AudienceChangePerson[]
    members: number
    cursor: string | null
    next_cursor: string
    part: number
    parts: number
    at: string
  }
}

export function audienceChangeMessages(c: AudienceChangeSetInput): AudienceChangeMessage[] {
  const all = [...c.joined.map((p) => ({ p, joined: true })), ...c.left.map((p) => ({ p, joined: false }))]
  const parts = Math.max(1, Math.ceil(all.length / PERSONS_PER_MESSAGE))
  const out: AudienceChangeMessage[] = []
  for (let part = 0; part < parts; part++) {
    const slice = all.slice(part * PERSONS_PER_MESSAGE, (part + 1) * PERSONS_PER_MESSAGE)
    out.push({
      msgID: `audience:${c.audience}:${c.seq}:${part + 1}`,
      body: {
        audience: c.audience,
        joined: slice.filter((s) => s.joined).map((s) => s.p),
        left: slice.filter((s) => !s.joined).map((s) => s.p),
        members: c.members,
        cursor: c.cursor,
        next_cursor: c.nextCursor,
        part: part + 1,
        parts,
        at: new Date(c.at).toISOString(),
      },
    })
  }
  return out
}
