// Profile work runs one job at a time: a batch's recompute and a sweep touching the same person
// would otherwise read the same stored tags and both publish the same change.

export class ProfileQueue {
  private tail: Promise<unknown> = Promise.resolve()

  run<T>(job: () => Promise<T>): Promise<T> {
    const next = this.tail.then(job)
    this.tail = next.catch(() => {})
    return next
  }

  async idle(): Promise<void> {
    await this.tail
  }
}
