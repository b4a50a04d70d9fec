import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MetricsSource } from '@switchyard/telemetry';
import { sendJson } from './http-messages.js';

/** A proxy node's `GET /status` body. */
export interface ProxyNodeStatus {
  readonly node_id: string;
  /** Hash of the config served, or null before the first snapshot. */
  readonly configuration_hash: string | null;
  /** Version of the config served, or null before the first snapshot. */
  readonly configuration_version: number | null;
  readonly memory: { readonly rss_bytes: number };
}

/** What the status listener answers from. */
export interface StatusSources {
  /** The `GET /status` body, or null while there is none to give (503). */
  readonly status: () => Promise<object | null>;
  /** `GET /metrics`, in Prometheus text format. */
  readonly metrics: MetricsSource;
}

const NOT_FOUND = { message: 'Not found' };
const NO_STATUS = { message: 'no proxy worker answered; retry in a moment' };

/** The status listener's request handler: `GET /status` and `GET /metrics`, 404 otherwise. */
export function createStatusHandler(
  sources: StatusSources,
  onError: (error: Error) => void,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const answer = req.url === '/status' ? sendStatus : req.url === '/metrics' ? sendMetrics : undefined;
    if (!answer) return sendJson(req, res, 404, NOT_FOUND);
    answer(sources, req, res).catch((error: Error) => {
      onError(error);
      if (!res.headersSent) sendJson(req, res, 500, { message: error.message });
    });
  };
}

async function sendStatus(sources: StatusSources, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const status = await sources.status();
  if (status) sendJson(req, res, 200, status);
  else sendJson(req, res, 503, NO_STATUS);
}

async function sendMetrics(
  sources: StatusSources,
  _req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const text = await sources.metrics.metrics();
  res.writeHead(200, { 'content-type': sources.metrics.contentType });
  res.end(text);
}
