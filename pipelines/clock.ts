// The one clock features, tags and sweeps read "now" from: the system clock, or a fixed time
// (`pulse serve --now`) so that a replayed history gives the tags a live stream would have given.
// Tests move a fixed clock forward to check rules that change with time alone.

export interface Clock {
  now(): number
}

export const systemClock: Clock = { now: () => Date.now() }

export class FixedClock implements Clock {
  constructor(private at: number) {}
  now(): number {
    return this.at
  }
  set(at: number): void {
    this.at = at
  }
  advance(ms: number): void {
    this.at += ms
  }
}

export function clockFor(fixedNow: number | null): Clock {
  return fixedNow === null ? systemClock : new FixedClock(fixedNow)
}
