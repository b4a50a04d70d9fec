import { asError, type BusErrorListener } from './config-bus.js';
import {
  DEFAULT_HEARTBEAT_INTERVAL_MS,
  type DataPlaneHeartbeat,
  type HeartbeatReporter,
  type HeartbeatReporterOptions,
} from './heartbeat.js';

/** Stores one heartbeat for `ttlMs` milliseconds; the adapter's only part of a reporter. */
export type HeartbeatWriter = (heartbeat: DataPlaneHeartbeat, ttlMs: number) => Promise<void>;

/** The heartbeat loop both adapters share: builds the record, writes it on a timer, reports failures. */
export class IntervalHeartbeatReporter implements HeartbeatReporter {
  private readonly ttlMs: number;
  private readonly timer: NodeJS.Timeout;
  private readonly inFlight = new Set<Promise<void>>();
  private closed = false;

  constructor(
    private readonly options: HeartbeatReporterOptions,
    private readonly write: HeartbeatWriter,
    private readonly reportError: BusErrorListener,
  ) {
    if (options.id === '') throw new TypeError('a data plane id must not be empty');
    const intervalMs = options.intervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS;
    this.ttlMs = options.ttlMs ?? 3 * intervalMs;
    if (!(intervalMs > 0) || !(this.ttlMs > 0))
      throw new RangeError('heartbeat intervalMs and ttlMs must be positive');
    this.timer = setInterval(() => void this.beat(), intervalMs);
    // The loop reports on the process; it is not a reason to keep the process alive.
    this.timer.unref();
    void this.beat();
  }

  beat(): Promise<void> {
    if (this.closed) return Promise.resolve();
    const beat = this.write(this.record(), this.ttlMs).catch((error: unknown) =>
      this.reportError(asError(error), 'heartbeat'),
    );
    this.inFlight.add(beat);
    void beat.finally(() => this.inFlight.delete(beat));
    return beat;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await Promise.all(this.inFlight);
  }

  private record(): DataPlaneHeartbeat {
    const { id, hostname, ip, version, labels } = this.options;
    let config: ReturnType<HeartbeatReporterOptions['currentConfig']> = null;
    try {
      config = this.options.currentConfig();
    } catch (error) {
      this.reportError(asError(error), 'heartbeat');
    }
    return {
      id,
      hostname,
      ip: ip ?? null,
      version,
      config_version: config?.version ?? null,
      config_hash: config?.hash ?? null,
      last_seen: Math.floor(Date.now() / 1000),
      labels: labels ?? {},
    };
  }
}
