import { Redis } from 'ioredis';
import { deleteRedisKeys, TEST_REDIS_URL } from '../databases/test-redis.js';
import { AdminClient, type TestResponse } from '../http/admin-client.js';
import { appEntry, freePort, startAppProcess, type AppProcess } from '../processes/app-process.js';
import { killAppProcess, spawnAppProcess } from '../processes/spawn-app-process.js';
import { waitUntil, type WaitOptions } from './wait-until.js';

/** The apps' `LOG_LEVEL`. */
export type ClusterLogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

export interface SwitchyardClusterOptions {
  /** PostgreSQL URL of the config store, a database of the cluster's own (`createTestDatabase`). */
  readonly databaseUrl: string;
  /** The apps' `REDIS_PREFIX`, unique to the cluster (`uniqueTestName`); `stop()` deletes its keys. */
  readonly redisPrefix: string;
  /** The Redis the harness reads directly (published snapshot, cleanup). Default `TEST_REDIS_URL`. */
  readonly redisUrl?: string;
  /**
   * The `REDIS_URL` the apps get. Default `redisUrl`; point it at a `FlakyTcpProxy` to break
   * Redis for the apps while the harness still sees it.
   */
  readonly appRedisUrl?: string;
  /**
   * The `DATABASE_URL` the admin and config-sync get, each its own. Default `databaseUrl`; point
   * one at a `FlakyTcpProxy` to break PostgreSQL for that app while the other still reaches it.
   */
  readonly appDatabaseUrls?: { readonly admin?: string; readonly configSync?: string };
  /** Proxy processes started with the cluster. Default 2. */
  readonly proxies?: number;
  /** The proxies' `RECONCILE_INTERVAL_MS`. Default 300. */
  readonly reconcileIntervalMs?: number;
  /** The proxies' `HEARTBEAT_INTERVAL_MS` (heartbeats expire after three). Default 300. */
  readonly heartbeatIntervalMs?: number;
  /** Config-sync's `SYNC_POLL_INTERVAL_MS`. Default 500. */
  readonly syncPollIntervalMs?: number;
  /** Every app's `LOG_LEVEL`. Default `warn`. */
  readonly logLevel?: ClusterLogLevel;
  /** Milliseconds one app may take to start (and the cluster to get in sync). Default 45000, as for a single app on a loaded machine. */
  readonly bootTimeoutMs?: number;
  /** More environment for every proxy process (`PROXY_WORKERS`, ...); it wins over the harness's. */
  readonly proxyEnv?: Readonly<Record<string, string>>;
  /** Extra environment of every app (admin, config-sync and proxies), e.g. the `OTEL_*` variables. */
  readonly env?: Readonly<Record<string, string>>;
}

/** A proxy's `GET /status` on its status listener. */
export interface ProxyNodeStatus {
  readonly node_id: string;
  /** Hash of the config served, or null before the first snapshot. */
  readonly configuration_hash: string | null;
  /** Version of the config served, or null before the first snapshot. */
  readonly configuration_version: number | null;
  /** The proxy's resident memory: its one process, or the primary and all its workers together. */
  readonly memory: { readonly rss_bytes: number };
}

/** The envelope of the snapshot config-sync last stored in Redis. */
export interface PublishedConfig {
  readonly version: number;
  readonly hash: string;
}

/** One proxy process of a `SwitchyardCluster`. */
export class ClusterProxy {
  private readonly client: AdminClient;

  constructor(
    /** `proxy-1`, `proxy-2`, ... in start order; for messages. */
    readonly name: string,
    /** `http://127.0.0.1:<PROXY_LISTEN port>`. */
    readonly url: string,
    /** `http://127.0.0.1:<STATUS_LISTEN port>/status`. */
    readonly statusUrl: string,
    /** The data plane id it reports in heartbeats (and in `/status`). */
    readonly nodeId: string,
    readonly process: AppProcess,
  ) {
    this.client = new AdminClient(url);
  }

  /** `GET <path>` on the proxy listener, as a client of the gateway sends it. */
  get(path: string): Promise<TestResponse> {
    return this.client.get(path);
  }

  async status(): Promise<ProxyNodeStatus> {
    const response = await fetch(this.statusUrl, { signal: AbortSignal.timeout(2_000) });
    return (await response.json()) as ProxyNodeStatus;
  }

  /** `GET /metrics` on its status listener: the Prometheus text (of all its workers). */
  async metrics(): Promise<string> {
    const response = await fetch(new URL('/metrics', this.statusUrl), { signal: AbortSignal.timeout(6_000) });
    if (response.status !== 200) throw new Error(`GET /metrics answered ${response.status}`);
    return response.text();
  }
}

interface ClusterSettings {
  readonly adminDatabaseUrl: string;
  readonly configSyncDatabaseUrl: string;
  readonly redisPrefix: string;
  readonly appRedisUrl: string;
  readonly reconcileIntervalMs: number;
  readonly heartbeatIntervalMs: number;
  readonly syncPollIntervalMs: number;
  readonly logLevel: ClusterLogLevel;
  readonly bootTimeoutMs: number;
  readonly proxyEnv: Readonly<Record<string, string>>;
  readonly env: Readonly<Record<string, string>>;
}

/**
 * The clustered topology as separate processes, as it is deployed: one admin and one config-sync
 * against a PostgreSQL database, and N proxies, all sharing a Redis prefix. Built from the apps'
 * `dist` (`npm run build`). Processes can be stopped and started again one by one to stage
 * faults; `stop()` ends them all and deletes the prefix's keys (the database is the caller's).
 */
export class SwitchyardCluster {
  private readonly proxyNodes: ClusterProxy[] = [];
  private configSyncProcess: AppProcess | null = null;
  private proxiesStarted = 0;

  private constructor(
    private readonly settings: ClusterSettings,
    /** The Admin API (`ADMIN_LISTEN`), over real HTTP. */
    readonly admin: AdminClient,
    readonly adminProcess: AppProcess,
    private readonly redis: Redis,
  ) {}

  /**
   * Starts the admin (which migrates the database), then config-sync and the proxies together,
   * and resolves once every proxy serves the published snapshot of the store's latest version.
   */
  static async start(options: SwitchyardClusterOptions): Promise<SwitchyardCluster> {
    const redisUrl = options.redisUrl ?? TEST_REDIS_URL;
    const settings: ClusterSettings = {
      adminDatabaseUrl: options.appDatabaseUrls?.admin ?? options.databaseUrl,
      configSyncDatabaseUrl: options.appDatabaseUrls?.configSync ?? options.databaseUrl,
      redisPrefix: options.redisPrefix,
      appRedisUrl: options.appRedisUrl ?? redisUrl,
      reconcileIntervalMs: options.reconcileIntervalMs ?? 300,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 300,
      syncPollIntervalMs: options.syncPollIntervalMs ?? 500,
      logLevel: options.logLevel ?? 'warn',
      bootTimeoutMs: options.bootTimeoutMs ?? 45_000,
      proxyEnv: options.proxyEnv ?? {},
      env: options.env ?? {},
    };
    const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
    const adminPort = await freePort();
    const adminUrl = `http://127.0.0.1:${adminPort}`;
    let adminProcess: AppProcess;
    try {
      adminProcess = await startAppProcess(
        appEntry('admin'),
        {
          ...commonEnv(settings),
          DATABASE_URL: settings.adminDatabaseUrl,
          ADMIN_LISTEN: `127.0.0.1:${adminPort}`,
        },
        `${adminUrl}/status`,
        settings.bootTimeoutMs,
      );
    } catch (error) {
      redis.disconnect();
      throw error;
    }
    const cluster = new SwitchyardCluster(settings, new AdminClient(adminUrl), adminProcess, redis);
    try {
      const proxies = Array.from({ length: options.proxies ?? 2 }, () => cluster.startProxy());
      await Promise.all([cluster.startConfigSync(), ...proxies]);
      await cluster.waitUntilInSync({ timeoutMs: settings.bootTimeoutMs });
    } catch (error) {
      const output = cluster.output();
      await cluster.stop();
      throw new Error(`${(error as Error).message}\n${output}`);
    }
    return cluster;
  }

  /** The proxies running now, in start order. */
  get proxies(): readonly ClusterProxy[] {
    return [...this.proxyNodes];
  }

  /** The config-sync process, or null while it is stopped. */
  get configSync(): AppProcess | null {
    return this.configSyncProcess;
  }

  /** The reconcile interval the proxies run with, in milliseconds. */
  get reconcileIntervalMs(): number {
    return this.settings.reconcileIntervalMs;
  }

  /** Starts one more proxy; resolves once its status listener answers (it may not hold a config yet). */
  async startProxy(): Promise<ClusterProxy> {
    this.proxiesStarted += 1;
    const name = `proxy-${this.proxiesStarted}`;
    const [proxyPort, statusPort] = [await freePort(), await freePort()];
    const statusUrl = `http://127.0.0.1:${statusPort}/status`;
    const app = await startAppProcess(
      appEntry('proxy'),
      {
        ...commonEnv(this.settings),
        PROXY_LISTEN: `127.0.0.1:${proxyPort}`,
        STATUS_LISTEN: `127.0.0.1:${statusPort}`,
        PROXY_WORKERS: '1',
        RECONCILE_INTERVAL_MS: String(this.settings.reconcileIntervalMs),
        HEARTBEAT_INTERVAL_MS: String(this.settings.heartbeatIntervalMs),
        ACCESS_LOG: 'false',
        ...this.settings.proxyEnv,
      },
      statusUrl,
      this.settings.bootTimeoutMs,
    );
    const status = (await (await fetch(statusUrl)).json()) as ProxyNodeStatus;
    const proxy = new ClusterProxy(name, `http://127.0.0.1:${proxyPort}`, statusUrl, status.node_id, app);
    this.proxyNodes.push(proxy);
    return proxy;
  }

  /** Stops a proxy gracefully (SIGTERM). Its last heartbeat stays listed until it expires. */
  async stopProxy(proxy: ClusterProxy): Promise<void> {
    const index = this.proxyNodes.indexOf(proxy);
    if (index !== -1) this.proxyNodes.splice(index, 1);
    await proxy.process.stop();
  }

  /**
   * Starts config-sync (when it is not running) and resolves once the snapshot stored in Redis
   * has the store's latest version: at once when nothing changed while it was down.
   */
  async startConfigSync(): Promise<AppProcess> {
    if (this.configSyncProcess) return this.configSyncProcess;
    const app = spawnAppProcess(appEntry('config-sync'), {
      ...commonEnv(this.settings),
      DATABASE_URL: this.settings.configSyncDatabaseUrl,
      SYNC_POLL_INTERVAL_MS: String(this.settings.syncPollIntervalMs),
      SYNC_STATUS_LISTEN: `127.0.0.1:${await freePort()}`,
    });
    this.configSyncProcess = app;
    const outcome = await waitUntil(
      'config-sync to publish the store version',
      async () => {
        if (app.child.exitCode !== null) return 'exited';
        const [stored, published] = await Promise.all([this.storeVersion(), this.published()]);
        return published?.version === stored ? 'published' : undefined;
      },
      { timeoutMs: this.settings.bootTimeoutMs },
    ).catch((error: Error) => error);
    if (outcome !== 'published') {
      this.configSyncProcess = null;
      await app.stop();
      const reason = outcome === 'exited' ? `exited with ${app.child.exitCode}` : (outcome as Error).message;
      throw new Error(`config-sync did not start: ${reason}\n${app.output()}`);
    }
    return app;
  }

  /** Stops config-sync: gracefully (SIGTERM), or with SIGKILL when `crash` is set. */
  async stopConfigSync(options: { readonly crash?: boolean } = {}): Promise<void> {
    const app = this.configSyncProcess;
    this.configSyncProcess = null;
    if (!app) return;
    if (options.crash) await killAppProcess(app);
    else await app.stop();
  }

  /** The store's config version, as the admin's `GET /status` reports it. Throws while the admin cannot reach the store. */
  async storeVersion(): Promise<number> {
    const response = await this.admin.get('/status');
    if (response.status !== 200 || typeof response.body.configuration_version !== 'number')
      throw new Error(`admin GET /status answered ${response.status}: ${response.text}`);
    return response.body.configuration_version;
  }

  /** The envelope of the snapshot stored under `<prefix>:snapshot` (the bus's documented layout), or null. */
  async published(): Promise<PublishedConfig | null> {
    const [version, hash] = await this.redis.hmget(
      `${this.settings.redisPrefix}:snapshot`,
      'version',
      'hash',
    );
    return version === null || hash === null ? null : { version: Number(version), hash };
  }

  /** `GET <path>` on every running proxy, in start order. */
  getFromEveryProxy(path: string): Promise<TestResponse[]> {
    return Promise.all(this.proxyNodes.map((proxy) => proxy.get(path)));
  }

  /** Waits until every running proxy answers `GET <path>` with `status`; resolves to their responses. */
  async waitUntilEveryProxy(
    path: string,
    status: number,
    options: WaitOptions = {},
  ): Promise<TestResponse[]> {
    let seen: number[] = [];
    return waitUntil(
      () => `every proxy to answer ${path} with ${status} (last seen: ${seen.join(', ')})`,
      async () => {
        const responses = await this.getFromEveryProxy(path);
        seen = responses.map((response) => response.status);
        return responses.every((response) => response.status === status) ? responses : undefined;
      },
      options,
    );
  }

  /**
   * Waits until the snapshot in Redis has the store's latest version and every running proxy
   * serves it (by `/status` hash); resolves to that snapshot's envelope.
   */
  async waitUntilInSync(options: WaitOptions = {}): Promise<PublishedConfig> {
    let observed = '';
    return waitUntil(
      () => `the proxies to serve the store's latest version (${observed})`,
      async () => {
        const [stored, published, statuses] = await Promise.all([
          this.storeVersion(),
          this.published(),
          Promise.all(this.proxyNodes.map((proxy) => proxy.status())),
        ]);
        observed = `store ${stored}, published ${JSON.stringify(published)}, proxies ${statuses
          .map((status) => `${status.configuration_version}/${status.configuration_hash}`)
          .join(' ')}`;
        if (published === null || published.version !== stored) return undefined;
        return statuses.every((status) => status.configuration_hash === published.hash)
          ? published
          : undefined;
      },
      options,
    );
  }

  /** Everything every process printed, labelled; for failure messages. */
  output(): string {
    const parts: [string, AppProcess | null][] = [
      ['admin', this.adminProcess],
      ['config-sync', this.configSyncProcess],
      ...this.proxyNodes.map((proxy): [string, AppProcess] => [proxy.name, proxy.process]),
    ];
    return parts
      .filter(([, app]) => app !== null && app.output() !== '')
      .map(([name, app]) => `--- ${name} ---\n${app!.output()}`)
      .join('\n');
  }

  /** Stops every process, deletes the prefix's keys and closes the harness's Redis connection. */
  async stop(): Promise<void> {
    const processes = [
      this.adminProcess,
      this.configSyncProcess,
      ...this.proxyNodes.map((proxy) => proxy.process),
    ];
    this.proxyNodes.length = 0;
    this.configSyncProcess = null;
    await Promise.all(processes.map((app) => app?.stop()));
    try {
      await deleteRedisKeys(this.redis, this.settings.redisPrefix);
    } finally {
      this.redis.disconnect();
    }
  }
}

function commonEnv(settings: ClusterSettings): Record<string, string> {
  return {
    REDIS_URL: settings.appRedisUrl,
    REDIS_PREFIX: settings.redisPrefix,
    LOG_LEVEL: settings.logLevel,
    LOG_DESTINATION: 'stdout',
    ...settings.env,
  };
}
