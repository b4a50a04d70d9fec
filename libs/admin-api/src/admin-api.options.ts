import type { Tracer } from '@opentelemetry/api';
import type { ConfigSyncReport, ConfigVersionNotice, HeartbeatRegistry } from '@switchyard/bus';
import type { ConfigStore } from '@switchyard/config';
import type { PluginDefinition } from '@switchyard/plugin-api';

/** The Nest injection token of `AdminApiOptions`. */
export const ADMIN_API_OPTIONS = Symbol('ADMIN_API_OPTIONS');

/**
 * Default grace before a data plane behind the store is `outdated`: longer than a proxy takes to
 * catch up when it missed an announcement (config-sync's poll, then the proxy's reconcile timer).
 */
export const DEFAULT_OUTDATED_AFTER_MS = 10_000;

/** What the Admin API is built from; the app that hosts it provides these. */
export interface AdminApiOptions {
  readonly store: ConfigStore;
  /** The plugins this gateway can run; a plugin entity must name one of them. */
  readonly plugins: readonly PluginDefinition[];
  /**
   * The data planes' heartbeats and the latest published config, for `GET /clustering/data-planes`;
   * absent when this admin is not part of a cluster (the endpoint then answers 400, as Kong's).
   */
  readonly cluster?: {
    readonly heartbeats: HeartbeatRegistry;
    readonly published: () => Promise<ConfigVersionNotice | null>;
    /**
     * Milliseconds a data plane may serve an older version than the store's before it is listed
     * as `outdated` (see `dataPlaneSyncStatus`). Default `DEFAULT_OUTDATED_AFTER_MS`.
     */
    readonly outdatedAfterMs?: number;
    /** Config-sync's last report (what it published or refused), shown by `GET /status`. */
    readonly syncReport: () => Promise<ConfigSyncReport | null>;
  };
  /** Reported by `GET /` and `GET /status`. */
  readonly nodeInfo: { readonly version: string; readonly hostname: string; readonly nodeId: string };
  /** Traces every request, and through it each config write, when tracing is on. */
  readonly tracer?: Tracer;
  /** Access control and slow-client timeouts of the listener; absent: no token, Fastify's defaults. */
  readonly listener?: AdminListenerOptions;
}

/** How the Admin API's listener treats clients (from `AdminApiSettings`, see `adminListenerOptions`). */
export interface AdminListenerOptions {
  /** The token every request must present (`Kong-Admin-Token` or `Authorization: Bearer`); undefined: none. */
  readonly token: string | undefined;
  /** Milliseconds a client has to send a whole request, headers and body. */
  readonly requestTimeoutMs: number;
  /** Milliseconds a connection may stay silent before it is closed. */
  readonly connectionTimeoutMs: number;
  /** Milliseconds an idle keep-alive connection stays open. */
  readonly keepAliveTimeoutMs: number;
}
