/** The text a metrics endpoint answers with, and its `Content-Type`. */
export interface MetricsSource {
  readonly contentType: string;
  /** The exposition text, at the time of the call. */
  metrics(): Promise<string>;
}
