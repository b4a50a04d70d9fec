import type { UpstreamRequest, UpstreamTimeouts } from '@switchyard/plugin-api';

/**
 * The upstream request as the plugins before `ai-proxy-advanced` left it (the client's headers
 * and body, a query key-auth may have trimmed), kept so that every attempt starts from it: the
 * LLM core rewrites the request it is given in place.
 */
export class UpstreamTemplate {
  private readonly headers: Readonly<Record<string, string>>;
  private readonly query: string;

  constructor(
    private readonly source: UpstreamRequest,
    private readonly timeouts: UpstreamTimeouts,
  ) {
    this.headers = { ...source.headers };
    this.query = source.query.toString();
  }

  /** A fresh copy for one attempt, with the balancer's timeouts. */
  instance(): UpstreamRequest {
    return new AttemptUpstreamRequest(
      this.source.method,
      { ...this.headers },
      this.source.body,
      this.source.label,
      new URLSearchParams(this.query),
      this.timeouts,
    );
  }
}

/** One attempt's upstream request: the target sets its URL. */
class AttemptUpstreamRequest implements UpstreamRequest {
  private target: URL | undefined;

  constructor(
    public method: string,
    public headers: Record<string, string>,
    public body: Buffer | string,
    public label: string,
    private readonly pendingQuery: URLSearchParams,
    public timeouts: UpstreamTimeouts,
  ) {}

  /** Set by the target before the call; read only after. */
  get url(): URL {
    return this.target as URL;
  }

  set url(value: URL) {
    this.target = value;
  }

  get query(): URLSearchParams {
    return this.target ? this.target.searchParams : this.pendingQuery;
  }
}
