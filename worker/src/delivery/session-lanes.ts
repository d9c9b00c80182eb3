import pLimit from 'p-limit';

export type SessionLanes = {
  /** Runs `task` after every task given before for the same key, and while fewer than the limit run. */
  run<T>(key: string, task: () => Promise<T>): Promise<T>;
  /** Resolves once no task is running or waiting. */
  idle(): Promise<void>;
};

/**
 * Strictly one task at a time per key (a session's events in order), and at most `concurrency`
 * tasks at once overall. A task that fails does not stop the next one of its key.
 */
export function createSessionLanes(concurrency: number): SessionLanes {
  const limit = pLimit(concurrency);
  const tails = new Map<string, Promise<void>>();
  return {
    run(key, task) {
      const previous = tails.get(key) ?? Promise.resolve();
      const result = previous.then(() => limit(task));
      const tail = result.then(
        () => undefined,
        () => undefined,
      );
      tails.set(key, tail);
      void tail.then(() => {
        if (tails.get(key) === tail) tails.delete(key);
      });
      return result;
    },
    async idle() {
      while (tails.size > 0) await Promise.all(tails.values());
    },
  };
}
