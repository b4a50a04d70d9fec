import {
  asError,
  type BusErrorListener,
  type ConfigVersionListener,
  type ConfigVersionNotice,
} from './config-bus.js';

/**
 * The bookkeeping both subscribers share: the highest version the consumer has been handed (by an
 * announcement or by `load()`), and the listeners to tell about a newer one. Announcements may
 * arrive from several paths in any order (pub/sub, reconcile); only a newer version gets through.
 */
export class VersionAnnouncer {
  private readonly listeners = new Set<ConfigVersionListener>();
  private seen = -1;
  private loaded = -1;

  constructor(private readonly reportError: BusErrorListener) {}

  /** Adds a listener; returns the function that removes it. */
  add(listener: ConfigVersionListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Announces `notice` to every listener when it is newer than anything the consumer was handed. */
  offer(notice: ConfigVersionNotice): void {
    // Without a listener nobody is told, so the version must not count as seen.
    if (notice.version <= this.seen || this.listeners.size === 0) return;
    this.seen = notice.version;
    for (const listener of [...this.listeners]) {
      try {
        void Promise.resolve(listener(notice)).catch((error: unknown) =>
          this.reportError(asError(error), 'listener'),
        );
      } catch (error) {
        this.reportError(asError(error), 'listener');
      }
    }
  }

  /** `load()` handed the consumer `version`: no need to announce it. */
  loadSucceeded(version: number): void {
    this.loaded = Math.max(this.loaded, version);
    this.seen = Math.max(this.seen, version);
  }

  /** `load()` failed: what was announced since the last good load must be announced again. */
  loadFailed(): void {
    this.seen = this.loaded;
  }

  /** Drops every listener (on close). */
  clear(): void {
    this.listeners.clear();
  }
}
