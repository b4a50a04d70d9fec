/**
 * Runs `close` once on SIGINT or SIGTERM, then exits: in-flight work finishes, connections and
 * the embedded store are closed cleanly (SQLite checkpoints its write-ahead log into the file).
 */
export function closeOnSignal(close: () => Promise<void>): void {
  let closing = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`shutdown after ${signal} failed`, error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}
