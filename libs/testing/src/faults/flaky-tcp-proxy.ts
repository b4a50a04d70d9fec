import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';

/** The port a URL of these schemes means when it names none. */
const DEFAULT_PORTS: Readonly<Record<string, number>> = {
  'redis:': 6379,
  'rediss:': 6379,
  'postgres:': 5432,
  'postgresql:': 5432,
};

/**
 * A TCP hop between apps and a server (Redis, PostgreSQL, anything over TCP) that a test can
 * break without touching the shared server (other runs use it): `pause()` holds every byte as a
 * hung server (or a network that drops packets) would, `cut()` drops every connection and refuses
 * new ones as a dead server would. Listens on 127.0.0.1 only.
 */
export class FlakyTcpProxy {
  private readonly sockets = new Set<Socket>();
  private held: { to: Socket; chunk: Buffer }[] = [];
  private paused = false;
  private refusing = false;

  private constructor(
    private readonly server: Server,
    private readonly target: URL,
  ) {}

  /**
   * Starts a proxy to the server `target` names (`redis://host:port`, `postgres://user@host:port/db`,
   * ...) on an ephemeral port.
   */
  static async start(target: URL): Promise<FlakyTcpProxy> {
    const port = Number(target.port || DEFAULT_PORTS[target.protocol]);
    if (!port) throw new Error(`${target.protocol}// URLs need an explicit port`);
    const server = createServer();
    const proxy = new FlakyTcpProxy(server, target);
    server.on('connection', (client) => proxy.accept(client, target.hostname, port));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  /** `127.0.0.1:<port>`: where the proxy listens. */
  get address(): string {
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The target URL with the proxy's address instead of the server's (scheme, user, path kept): what the apps get. */
  get url(): string {
    const url = new URL(this.target);
    url.host = this.address;
    return url.toString().replace(/\/$/, '');
  }

  /** Holds every byte in both directions (connections stay open, new ones are accepted) until `resume()`. */
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
    this.held = [];
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

  private accept(client: Socket, host: string, port: number): void {
    if (this.refusing) {
      client.destroy();
      return;
    }
    const upstream = connect(port, host);
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
