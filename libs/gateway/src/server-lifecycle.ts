import { createServer, type RequestListener, type Server } from 'node:http';
import type { ListenAddress } from '@switchyard/config';

/** How long the proxy waits on its clients, in milliseconds (`PROXY_*_TIMEOUT_MS`). */
export interface ClientTimeouts {
  /** From a request's first byte to the end of its head; a client still sending headers is closed (408). */
  readonly headersMs: number;
  /** From a request's first byte to the end of its body; a client still sending it is closed (408). */
  readonly requestMs: number;
  /** How long an idle keep-alive connection stays open between two requests. */
  readonly keepAliveMs: number;
}

// Node checks the head and request deadlines of open connections on an interval (30 s by
// default, which could let a slow client stay half a minute past its deadline).
const DEADLINE_CHECK_INTERVAL_MS = 1000;

/**
 * The proxy's HTTP server: `handler` for every request, and the client timeouts enforced by node
 * (with a 408 and a closed connection) so that clients that trickle their headers or body
 * cannot hold connections open.
 */
export function createProxyServer(handler: RequestListener, timeouts: ClientTimeouts): Server {
  return createServer(
    {
      headersTimeout: timeouts.headersMs,
      requestTimeout: timeouts.requestMs,
      keepAliveTimeout: timeouts.keepAliveMs,
      connectionsCheckingInterval: DEADLINE_CHECK_INTERVAL_MS,
    },
    handler,
  );
}

/** Binds `server` to `address`; rejects when the port is taken. */
export function listen(server: Server, address: ListenAddress): Promise<Server> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(address.port, address.host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

/** Stops accepting and resolves once the open requests are done (idle keep-alive sockets are closed). */
export function close(server: Server | null): Promise<void> {
  if (!server) return Promise.resolve();
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}
