import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MetricsSource } from './metrics-source.js';

/** What a status listener answers from. */
export interface StatusSources {
  /** The `GET /status` body, or null while there is none to give (503). */
  readonly status: () => Promise<object | null>;
  /** `GET /metrics`, in Prometheus text format. */
  readonly metrics: MetricsSource;
}

const NOT_FOUND = { message: 'Not found' };
const NO_STATUS = { message: 'no status to give yet; retry in a moment' };

/**
 * A status listener's request handler (a proxy's `STATUS_LISTEN`, config-sync's
 * `SYNC_STATUS_LISTEN`): `GET /status` and `GET /metrics`, 404 otherwise.
 */
export function createStatusHandler(
  sources: StatusSources,
  onError: (error: Error) => void,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const answer = req.url === '/status' ? sendStatus : req.url === '/metrics' ? sendMetrics : undefined;
    if (!answer) return sendJson(res, 404, NOT_FOUND);
    answer(sources, res).catch((error: Error) => {
      onError(error);
      if (!res.headersSent) sendJson(res, 500, { message: error.message });
    });
  };
}

async function sendStatus(sources: StatusSources, res: ServerResponse): Promise<void> {
  const status = await sources.status();
  if (status) sendJson(res, 200, status);
  else sendJson(res, 503, NO_STATUS);
}

async function sendMetrics(sources: StatusSources, res: ServerResponse): Promise<void> {
  const text = await sources.metrics.metrics();
  res.writeHead(200, { 'content-type': sources.metrics.contentType });
  res.end(text);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
  });
  res.end(payload);
}
