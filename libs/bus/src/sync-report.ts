/**
 * What config-sync last did with the store's config, as it leaves it on the bus for the Admin
 * API to show (`GET /status`). Field names are snake_case, as the Admin API serves them.
 */
export interface ConfigSyncReport {
  /** The version config-sync last published (or found published already); null before the first. */
  readonly published_version: number | null;
  /**
   * The latest version config-sync would not publish, and why (each reason naming the entity at
   * fault); null once the latest version is published. While set, proxies serve an older config.
   */
  readonly refused: { readonly version: number; readonly problems: readonly string[] } | null;
  /** When config-sync wrote the report, as an ISO 8601 timestamp. */
  readonly reported_at: string;
}

/** Where config-sync leaves its report and the Admin API reads it: one report, replaced by the next. */
export interface SyncReportBoard {
  /** Replaces the report. Rejects when the bus is unreachable (within the adapter's command timeout). */
  write(report: ConfigSyncReport): Promise<void>;
  /** The last report, or null when config-sync never wrote one. Rejects like `write`. */
  read(): Promise<ConfigSyncReport | null>;
}
