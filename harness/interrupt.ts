/**
 * The process's one answer to Ctrl-C and SIGTERM. Whatever must not outlive a run (a container fleet, the
 * test keys handed to workers, the report of what ran) registers its cleanup here; on the first signal
 * every registered cleanup runs, newest first (inner scopes before the report that describes them), and
 * the process exits 130. Two handlers each ending the process would race: the loser's work is lost.
 */
export type Cleanup = (signal: NodeJS.Signals) => Promise<void> | void;

const cleanups: Cleanup[] = [];
let stopping: Promise<never> | undefined;

function onSignal(signal: NodeJS.Signals): void {
  stopping ??= stop(signal);
}

async function stop(signal: NodeJS.Signals): Promise<never> {
  for (const cleanup of [...cleanups].reverse()) {
    try {
      await cleanup(signal);
    } catch (err) {
      process.stderr.write(`evvm-conformance: cleanup after ${signal} failed: ${(err as Error).message}\n`);
    }
  }
  process.exit(130);
}

/** Registers a cleanup for an interrupted run; the returned function withdraws it (the scope ended normally). */
export function onInterrupt(cleanup: Cleanup): () => void {
  if (cleanups.length === 0) process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
  cleanups.push(cleanup);
  return () => {
    const at = cleanups.indexOf(cleanup);
    if (at >= 0) cleanups.splice(at, 1);
    if (cleanups.length === 0 && !stopping) process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
  };
}

/** The signal's cleanups, once a signal came: whoever ends normally meanwhile waits for them instead. */
export function interrupting(): Promise<never> | undefined {
  return stopping;
}
