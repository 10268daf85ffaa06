/**
 * Work in flight across the SMS path (SMSC routing, the EVVM Server's SMS interface, the handsets),
 * so a scenario can wait until the network is quiet instead of sleeping. Every component opens a
 * unit of work before it hands something on and closes it after the next hop has opened its own: a
 * deliver_sm stays open until its deliver_sm_resp, and the receiver opens its processing before it
 * answers. So "nothing open" really means nothing is on its way.
 */
export class Activity {
  private open = 0;
  private waiters: Array<() => void> = [];

  /** Opens a unit of work; the returned function closes it (once). */
  begin(): () => void {
    this.open++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.open--;
      if (this.open === 0) this.settleSoon();
    };
  }

  /** Keeps a unit open for the life of a promise. */
  track<T>(work: Promise<T>): Promise<T> {
    const end = this.begin();
    return work.finally(end);
  }

  get inFlight(): number {
    return this.open;
  }

  /** Resolves when nothing is in flight; rejects after `timeoutMs`. */
  idle(timeoutMs = 5000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== done);
        reject(new Error(`the SMS network still had ${this.open} unit(s) of work in flight after ${timeoutMs} ms`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        resolve();
      };
      this.waiters.push(done);
      if (this.open === 0) this.settleSoon();
    });
  }

  private settleSoon(): void {
    // a turn of the event loop lets work that is about to start (a write already queued) open first
    setImmediate(() => {
      if (this.open !== 0) return;
      const ws = this.waiters;
      this.waiters = [];
      for (const w of ws) w();
    });
  }
}
