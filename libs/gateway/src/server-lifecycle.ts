import type { Server } from 'node:http';
import type { ListenAddress } from '@switchyard/config';

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
