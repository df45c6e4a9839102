// Counts the statements running (or queued) on the analyst read session of the embedded engine.
// chdb 3.4's Node binding runs every statement with bound parameters one at a time across all
// sessions (a guard against a race in libchdb's parameter state), so while an analyst query runs,
// any write that binds a parameter waits for it. Writers look at this count to take the engine's
// direct insert instead, which binds none and runs beside the analyst query.
export class InFlightCount {
  private running = 0

  get value(): number {
    return this.running
  }

  async track<T>(work: () => Promise<T>): Promise<T> {
    this.running++
    try {
      return await work()
    } finally {
      this.running--
    }
  }
}
