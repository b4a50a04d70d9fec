/** One request of a `RequestLoop` that did not get the expected answer. */
export interface RequestLoopFailure {
  readonly url: string;
  /** The status received, or null when the request failed outright (see `error`). */
  readonly status: number | null;
  readonly error: string | null;
  /** Milliseconds after the loop started. */
  readonly atMs: number;
}

export interface RequestLoopReport {
  /** Requests completed, over every URL. */
  readonly total: number;
  /** Requests completed per URL. */
  readonly perUrl: Readonly<Record<string, number>>;
  readonly failures: readonly RequestLoopFailure[];
  /** Milliseconds the loop ran. */
  readonly durationMs: number;
}

export interface RequestLoopOptions {
  /** The URLs to send requests to: one sequential loop per URL, all at once. */
  readonly urls: readonly string[];
  /** Method, headers and body of every request. Default a GET without body. */
  readonly init?: Pick<RequestInit, 'method' | 'headers' | 'body'>;
  /** Status a request must get to count as served. Default 200. */
  readonly expectStatus?: number;
  /** Milliseconds one request may take before it counts as failed. Default 2000. */
  readonly requestTimeoutMs?: number;
  /** Milliseconds between two requests of one loop. Default 5. */
  readonly pauseMs?: number;
  /** Most requests per URL; the loop ends there even without `stop()`. Default 20000. */
  readonly maxRequestsPerUrl?: number;
  /** Milliseconds after which the loop ends even without `stop()`. Default 60000. */
  readonly maxDurationMs?: number;
}

/**
 * Keeps sending requests to a few URLs while a test breaks something, and records every request
 * that was not answered with the expected status in time: what clients of the proxies would see.
 * Bounded in count and in time; `stop()` ends it and returns the report.
 */
export class RequestLoop {
  private stopped = false;
  private readonly perUrl: Record<string, number> = {};
  private readonly failures: RequestLoopFailure[] = [];
  private readonly startedAt = performance.now();
  private readonly done: Promise<void>;

  private constructor(private readonly options: RequestLoopOptions) {
    this.done = Promise.all(options.urls.map((url) => this.run(url))).then(() => undefined);
  }

  /** Starts the loops at once. */
  static start(options: RequestLoopOptions): RequestLoop {
    return new RequestLoop(options);
  }

  /** Requests completed so far. */
  get total(): number {
    return Object.values(this.perUrl).reduce((sum, count) => sum + count, 0);
  }

  /** Ends the loops once their requests in flight are done, and reports. */
  async stop(): Promise<RequestLoopReport> {
    this.stopped = true;
    await this.done;
    return {
      total: this.total,
      perUrl: { ...this.perUrl },
      failures: [...this.failures],
      durationMs: Math.round(performance.now() - this.startedAt),
    };
  }

  private async run(url: string): Promise<void> {
    const {
      expectStatus = 200,
      requestTimeoutMs = 2_000,
      pauseMs = 5,
      maxRequestsPerUrl = 20_000,
      maxDurationMs = 60_000,
    } = this.options;
    const deadline = this.startedAt + maxDurationMs;
    this.perUrl[url] = 0;
    for (let sent = 0; sent < maxRequestsPerUrl && !this.stopped && performance.now() < deadline; sent += 1) {
      const atMs = Math.round(performance.now() - this.startedAt);
      try {
        const response = await fetch(url, {
          ...this.options.init,
          signal: AbortSignal.timeout(requestTimeoutMs),
        });
        await response.arrayBuffer();
        if (response.status !== expectStatus)
          this.failures.push({ url, status: response.status, error: null, atMs });
      } catch (error) {
        this.failures.push({ url, status: null, error: (error as Error).message, atMs });
      }
      this.perUrl[url] += 1;
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  }
}
