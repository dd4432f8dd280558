/**
 * What the runtime is doing on behalf of callers (API requests, control routes, billing ticks): how
 * much is in flight, and a count of everything ever started. Two equal counts with nothing in
 * flight between them mean nothing could have written in between, which is how a periodic snapshot
 * knows that what it read is one consistent state.
 */
export class Activity {
  private readonly inFlight = new Set<Promise<unknown>>();
  private startedCount = 0;

  /** Work started so far. */
  get started(): number {
    return this.startedCount;
  }

  get busy(): boolean {
    return this.inFlight.size > 0;
  }

  track<T>(work: () => Promise<T>): Promise<T> {
    this.startedCount++;
    const running = work();
    this.inFlight.add(running);
    const forget = () => this.inFlight.delete(running);
    running.then(forget, forget);
    return running;
  }

  /** Resolves once nothing is in flight, or after `timeoutMs`; true if it became idle. */
  async idle(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.inFlight.size > 0) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await Promise.race([
        Promise.allSettled([...this.inFlight]),
        new Promise((resolve) => setTimeout(resolve, left).unref()),
      ]);
    }
    return true;
  }
}
