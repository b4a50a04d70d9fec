import {
  buildSnapshot,
  findSnapshotProblems,
  type ConfigContent,
  type ConfigSnapshot,
  type ConfigStore,
} from '@switchyard/config';
import type { Tracer } from '@opentelemetry/api';
import type { SnapshotPublisher, SyncReportBoard } from '@switchyard/bus';
import type { PluginDefinition } from '@switchyard/plugin-api';
import type { SyncMetrics } from '@switchyard/telemetry';
import { PublishTrace } from './publish-trace.js';

export interface SyncLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface ConfigSynchronizerOptions {
  readonly store: ConfigStore;
  readonly publisher: SnapshotPublisher<ConfigSnapshot>;
  /** The plugins proxies can run: every plugin config of a snapshot is checked against these. */
  readonly plugins: readonly PluginDefinition[];
  readonly logger: SyncLogger;
  /**
   * How often, in milliseconds, the store's version is read even without a notification, so that
   * a notification lost with a dropped connection delays a snapshot by at most this. Default 1000.
   */
  readonly pollIntervalMs?: number;
  /** Delay before retrying a failed publish (bus unreachable), in milliseconds. Default 250. */
  readonly retryDelayMs?: number;
  /** Traces each pass that builds a snapshot, in the trace of the write it publishes (when tracing is on). */
  readonly tracer?: Tracer;
  /**
   * Where each change of `status` is reported for the Admin API (`GET /status`), so that a
   * refused version is seen where operators look, not only in this process's log.
   */
  readonly reports?: SyncReportBoard;
  /** Where the published and refused versions are counted (`switchyard_config_refused_version`). */
  readonly metrics?: SyncMetrics;
}

/** What the synchronizer last did, for its status endpoint. */
export interface SyncState {
  readonly publishedVersion: number | null;
  readonly publishedHash: string | null;
  /** The latest version refused because its snapshot is invalid, with the reasons. */
  readonly refused: { readonly version: number; readonly problems: readonly string[] } | null;
}

/**
 * Config-sync's loop: learns of each committed config version (the store's notifications, plus
 * a poll that heals lost ones), reads the config at that version, builds and validates the
 * snapshot, and publishes it. Runs are serialized and coalesced: a burst of writes costs one
 * build per pass, and the last pass always sees the latest version. A snapshot that fails
 * validation (or cannot even be built) is never published; the refusal is logged with the entity
 * at fault, reported on the bus for the Admin API and counted in the metrics.
 */
export class ConfigSynchronizer {
  private readonly pollIntervalMs: number;
  private readonly retryDelayMs: number;
  private running: Promise<void> | null = null;
  private rerun = false;
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;
  private unlisten: (() => Promise<void>) | null = null;
  private state: SyncState = { publishedVersion: null, publishedHash: null, refused: null };

  constructor(private readonly options: ConfigSynchronizerOptions) {
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.retryDelayMs = options.retryDelayMs ?? 250;
  }

  get status(): SyncState {
    return this.state;
  }

  /**
   * Subscribes to the store's versions, publishes the current config, and starts the poll. A store
   * that is down does not make it fail: the subscription comes up when the store does, and the
   * pass (then the poll) logs the failure and retries.
   */
  async start(): Promise<void> {
    this.unlisten = await this.options.store.onVersion({
      committed: () => void this.requestSync(),
      missed: () => {
        // Writes made while the subscription was down went unannounced: look now, not at the next poll.
        this.options.logger.info('config store subscription restored; checking for versions it missed');
        void this.requestSync();
      },
    });
    await this.requestSync();
    this.schedulePoll();
  }

  /** Stops listening and polling, and waits for a pass under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.unlisten?.();
    await this.running;
  }

  /** Makes sure a pass runs after this call; resolves when the passes in flight are done. */
  requestSync(): Promise<void> {
    if (this.running) {
      this.rerun = true;
      return this.running;
    }
    this.running = this.passes().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async passes(): Promise<void> {
    do {
      this.rerun = false;
      await this.syncOnce();
    } while (this.rerun && !this.stopped);
  }

  private async syncOnce(): Promise<void> {
    const { store, publisher, plugins, logger, tracer } = this.options;
    const startedAt = Date.now();
    let content: ConfigContent;
    try {
      const version = await store.currentVersion();
      if (version === this.state.refused?.version) return;
      // The bus is asked too, not only our memory: a Redis that restarted empty gets the snapshot again.
      const published = await publisher.current();
      // Skip only what this synchronizer itself published and the bus still holds: the same
      // version with other content (planted, or another builder) is rebuilt and reported.
      if (published?.version === version && published.hash === this.state.publishedHash) return;
      content = await store.readConfig();
    } catch (error) {
      logger.error('cannot read the config store or the bus; will retry', {
        error: (error as Error).message,
      });
      return this.retryLater();
    }

    let snapshot: ConfigSnapshot;
    try {
      snapshot = buildSnapshot(content);
    } catch (error) {
      // Content no proxy could hash either (nesting deeper than the stack, say): refused, not retried.
      return this.refuse(content.version, [`snapshot: cannot be built: ${(error as Error).message}`]);
    }
    const passTrace = tracer && new PublishTrace(tracer, snapshot, content.traceparent, startedAt);
    const problems = findSnapshotProblems(snapshot, plugins);
    if (problems.length > 0) {
      const reasons = problems.map(
        (problem) => `${problem.entity}${problem.id ? ` ${problem.id}` : ''}: ${problem.message}`,
      );
      passTrace?.end('refused', reasons.join('; '));
      return this.refuse(snapshot.version, reasons);
    }

    try {
      const outcome = await publisher.publish(passTrace ? passTrace.carriedBy(snapshot) : snapshot);
      if (outcome.status === 'stale' || outcome.status === 'conflict') {
        // The bus holds a newer snapshot (or this version with other content) than the store can
        // produce: a restored database, or another cluster on the same REDIS_PREFIX. Proxies keep
        // what they have; an operator has to decide, so say it loudly, once per version.
        const problem =
          `the bus holds version ${outcome.current.version} (hash ${outcome.current.hash}), ` +
          `${outcome.status === 'stale' ? 'newer than' : 'different from'} the store's version ${snapshot.version}: ` +
          'was the database restored, or does another cluster use this REDIS_PREFIX? ' +
          'Use a distinct REDIS_PREFIX, or delete the snapshot key to let this store publish again';
        passTrace?.end(outcome.status, problem);
        return this.refuse(snapshot.version, [problem], 'cannot publish the config snapshot');
      }
      this.state = { publishedVersion: snapshot.version, publishedHash: snapshot.hash, refused: null };
      if (outcome.status === 'published') {
        logger.info('published config snapshot', { version: snapshot.version, hash: snapshot.hash });
      }
      passTrace?.end(outcome.status);
      this.options.metrics?.published(snapshot.version);
      await this.report();
    } catch (error) {
      logger.error('cannot publish the config snapshot; will retry', {
        version: snapshot.version,
        error: (error as Error).message,
      });
      passTrace?.end('failed', (error as Error).message);
      this.retryLater();
    }
  }

  /** Keeps `version` from the proxies, and says so: in the log, on the bus, in the metrics. */
  private async refuse(
    version: number,
    problems: readonly string[],
    message = 'refusing to publish an invalid config snapshot',
  ): Promise<void> {
    this.state = { ...this.state, refused: { version, problems } };
    this.options.logger.error(message, { version, problems });
    this.options.metrics?.refused(version);
    await this.report();
  }

  /** Writes the state to the bus for the Admin API; a bus that is down costs only the report. */
  private async report(): Promise<void> {
    const { reports, logger } = this.options;
    if (!reports) return;
    try {
      await reports.write({
        published_version: this.state.publishedVersion,
        refused: this.state.refused,
        reported_at: new Date().toISOString(),
      });
    } catch (error) {
      logger.error('cannot report the sync status on the bus', { error: (error as Error).message });
    }
  }

  private retryLater(): void {
    if (this.stopped) return;
    setTimeout(() => void this.requestSync(), this.retryDelayMs).unref();
  }

  private schedulePoll(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.requestSync().finally(() => this.schedulePoll());
    }, this.pollIntervalMs);
    this.timer.unref();
  }
}
