import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';

/**
 * A TCP hop between apps and Redis that a test can break without touching the shared Redis
 * server (other runs use it): `pause()` holds every byte as a hung server would, `cut()` drops
 * every connection and refuses new ones as a dead server would. Listens on 127.0.0.1 only.
 */
export class FlakyTcpProxy {
  private readonly sockets = new Set<Socket>();
  private held: { to: Socket; chunk: Buffer }[] = [];
  private paused = false;
  private refusing = false;

  private constructor(private readonly server: Server) {}

  /** Starts a proxy to `target` (a `redis://host:port` URL) on an ephemeral port. */
  static async start(target: URL): Promise<FlakyTcpProxy> {
    const server = createServer();
    const proxy = new FlakyTcpProxy(server);
    server.on('connection', (client) => proxy.accept(client, target));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  /** The `redis://` URL to give the apps instead of Redis's own. */
  get url(): string {
    return `redis://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Holds every byte in both directions (connections stay open) until `resume()`. */
  pause(): void {
    this.paused = true;
  }

  /** Delivers what was held, in order, and lets traffic flow again. */
  resume(): void {
    this.paused = false;
    const held = this.held;
    this.held = [];
    for (const { to, chunk } of held) to.write(chunk);
  }

  /** Drops every connection and refuses new ones until `restore()`. */
  cut(): void {
    this.refusing = true;
    for (const socket of this.sockets) socket.destroy();
  }

  /** Accepts connections again after `cut()`. */
  restore(): void {
    this.refusing = false;
  }

  /** Drops every connection and stops listening. */
  async close(): Promise<void> {
    this.cut();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private accept(client: Socket, target: URL): void {
    if (this.refusing) {
      client.destroy();
      return;
    }
    const upstream = connect(Number(target.port || 6379), target.hostname);
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      this.sockets.add(from);
      from.on('data', (chunk: Buffer) => (this.paused ? this.held.push({ to, chunk }) : to.write(chunk)));
      from.on('error', () => undefined);
      from.on('close', () => {
        this.sockets.delete(from);
        to.destroy();
      });
    }
  }
}
