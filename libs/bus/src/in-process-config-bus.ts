import {
  assertSnapshotEnvelope,
  warnOnBusError,
  type BusErrorListener,
  type ConfigBus,
  type ConfigSnapshotEnvelope,
  type ConfigVersionListener,
  type ConfigVersionNotice,
  type PublishOutcome,
  type SnapshotPublisher,
  type SnapshotSubscriber,
} from './config-bus.js';
import type {
  DataPlaneHeartbeat,
  HeartbeatRegistry,
  HeartbeatReporter,
  HeartbeatReporterOptions,
} from './heartbeat.js';
import { IntervalHeartbeatReporter } from './heartbeat-reporter.js';
import type { ConfigSyncReport, SyncReportBoard } from './sync-report.js';
import { VersionAnnouncer } from './version-announcer.js';

export interface InProcessConfigBusOptions {
  /** Receives the errors the bus does not throw (listener failures). Default: a one-line `console.warn`. */
  readonly onError?: BusErrorListener;
}

/**
 * The standalone adapter: admin, config-sync and proxy share one instance in one process. The
 * snapshot is kept as JSON text and parsed by `load()`, so consumers see exactly what the Redis
 * adapter would give them (and cannot alter each other's copy). Announcements are delivered on a
 * microtask after `publish` stores the snapshot; they cannot be lost, so subscribers do not poll.
 */
export class InProcessConfigBus<
  S extends ConfigSnapshotEnvelope = ConfigSnapshotEnvelope,
> implements ConfigBus<S> {
  readonly publisher: SnapshotPublisher<S>;
  readonly heartbeats: HeartbeatRegistry;
  readonly syncReports: SyncReportBoard;
  private readonly reportError: BusErrorListener;
  private readonly subscribers = new Set<InProcessSnapshotSubscriber<S>>();
  private readonly reporters = new Set<HeartbeatReporter>();
  private readonly dataPlanes = new Map<string, { heartbeat: DataPlaneHeartbeat; expiresAt: number }>();
  private stored: { notice: ConfigVersionNotice; json: string } | null = null;
  /** Kept as JSON, as Redis keeps it: a reader never shares the writer's object. */
  private syncReport: string | null = null;
  private closing: Promise<void> | null = null;

  constructor(options: InProcessConfigBusOptions = {}) {
    const onError = options.onError ?? warnOnBusError;
    this.reportError = (error, source) => {
      if (!this.closed) onError(error, source);
    };
    this.publisher = {
      publish: async (snapshot) => this.publish(snapshot),
      current: async () => {
        this.assertOpen();
        return this.stored?.notice ?? null;
      },
    };
    this.heartbeats = { list: async () => this.listDataPlanes() };
    this.syncReports = {
      write: async (report) => {
        this.assertOpen();
        this.syncReport = JSON.stringify(report);
      },
      read: async () => {
        this.assertOpen();
        return this.syncReport === null ? null : (JSON.parse(this.syncReport) as ConfigSyncReport);
      },
    };
  }

  createSubscriber(): SnapshotSubscriber<S> {
    this.assertOpen();
    const subscriber = new InProcessSnapshotSubscriber<S>(
      () => this.stored,
      this.reportError,
      () => this.subscribers.delete(subscriber),
    );
    this.subscribers.add(subscriber);
    return subscriber;
  }

  createHeartbeatReporter(options: HeartbeatReporterOptions): HeartbeatReporter {
    this.assertOpen();
    const reporter = new IntervalHeartbeatReporter(
      options,
      async (heartbeat, ttlMs) => {
        this.assertOpen();
        this.dataPlanes.set(heartbeat.id, { heartbeat, expiresAt: Date.now() + ttlMs });
      },
      this.reportError,
    );
    this.reporters.add(reporter);
    return reporter;
  }

  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private get closed(): boolean {
    return this.closing !== null;
  }

  private async shutDown(): Promise<void> {
    await Promise.all([...this.subscribers].map((subscriber) => subscriber.close()));
    await Promise.all([...this.reporters].map((reporter) => reporter.close()));
    this.stored = null;
    this.dataPlanes.clear();
  }

  private publish(snapshot: S): PublishOutcome {
    this.assertOpen();
    assertSnapshotEnvelope(snapshot);
    const { version, hash } = snapshot;
    const stored = this.stored?.notice;
    if (stored && stored.version > version) return { status: 'stale', current: stored };
    if (stored && stored.version === version) {
      return { status: stored.hash === hash ? 'unchanged' : 'conflict', current: stored };
    }
    const notice = { version, hash };
    this.stored = { notice, json: JSON.stringify(snapshot) };
    queueMicrotask(() => {
      for (const subscriber of this.subscribers) subscriber.announce(notice);
    });
    return { status: 'published', current: notice };
  }

  private listDataPlanes(): DataPlaneHeartbeat[] {
    this.assertOpen();
    const now = Date.now();
    const live: DataPlaneHeartbeat[] = [];
    for (const [id, { heartbeat, expiresAt }] of this.dataPlanes) {
      if (expiresAt > now) live.push(heartbeat);
      else this.dataPlanes.delete(id);
    }
    return live.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('config bus is closed');
  }
}

class InProcessSnapshotSubscriber<S extends ConfigSnapshotEnvelope> implements SnapshotSubscriber<S> {
  private readonly announcer: VersionAnnouncer;
  private started = false;
  private closed = false;

  constructor(
    private readonly stored: () => { notice: ConfigVersionNotice; json: string } | null,
    reportError: BusErrorListener,
    private readonly onClosed: () => void,
  ) {
    this.announcer = new VersionAnnouncer(reportError);
  }

  async load(): Promise<S | null> {
    const stored = this.closed ? null : this.stored();
    if (!stored) return null;
    this.announcer.loadSucceeded(stored.notice.version);
    return JSON.parse(stored.json) as S;
  }

  onUpdate(listener: ConfigVersionListener): () => void {
    const remove = this.announcer.add(listener);
    if (!this.started && !this.closed) {
      this.started = true;
      // As the Redis subscriber does once connected: announce what is already stored.
      queueMicrotask(() => {
        const stored = this.stored();
        if (stored) this.announce(stored.notice);
      });
    }
    return remove;
  }

  /** Called by the bus for every published version. */
  announce(notice: ConfigVersionNotice): void {
    if (!this.closed) this.announcer.offer(notice);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.announcer.clear();
    this.onClosed();
  }
}
