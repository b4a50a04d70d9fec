import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';

/** Structured logging as every part of the gateway uses it: a message and fields. */
export interface GatewayLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** A logger whose lines all carry `bindings` (e.g. `{ component: 'proxy' }`). */
  child(bindings: Record<string, unknown>): GatewayLogger;
  /**
   * Writes one record of a high-volume kind (`type`, e.g. `access`) as its own JSON line, with
   * `time` (epoch ms) and `type` first: no level filtering, no bindings, the cheapest path.
   */
  record(type: string, record: object): void;
  /** Writes out what is buffered, synchronously (at shutdown). */
  flush(): void;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

export interface LoggerOptions {
  readonly level: LogLevel;
  /** `stdout`, `stderr`, or a file path (appended to). Default stdout. */
  readonly destination?: string;
  readonly name: string;
}

/** Bytes gathered before a write (below sonic-boom's 16 KiB write size), and the longest a line waits when fewer come. */
const BUFFER_BYTES = 8 * 1024;
const FLUSH_INTERVAL_MS = 250;

type BufferedDestination = DestinationStream & { flush(): void; flushSync(): void };

/**
 * The process's log lines, gathered in a list and handed to the file destination as one string
 * per block of `BUFFER_BYTES`. sonic-boom appends each write to its pending string and measures
 * that string's byte length every time, which flattens the growing concatenation on each line:
 * written line by line, the access log cost more in that measuring than in its own JSON.
 */
class LineBuffer implements BufferedDestination {
  private lines: string[] = [];
  /** UTF-16 units held: never more than their UTF-8 bytes, so a block is at least `BUFFER_BYTES`. */
  private size = 0;

  constructor(private readonly destination: BufferedDestination) {}

  write(line: string): boolean {
    this.lines.push(line);
    this.size += line.length;
    if (this.size >= BUFFER_BYTES) this.drain();
    return true;
  }

  /** Hands what is held to the destination, which writes it without waiting (or as soon as it is open). */
  flush(): void {
    this.drain();
    this.destination.flush();
  }

  flushSync(): void {
    this.drain();
    this.destination.flushSync();
  }

  private drain(): void {
    if (this.size === 0) return;
    const block = this.lines.length === 1 ? this.lines[0]! : this.lines.join('');
    this.lines = [];
    this.size = 0;
    this.destination.write(block);
  }
}

class PinoGatewayLogger implements GatewayLogger {
  constructor(
    private readonly pino: PinoLogger,
    private readonly destination: BufferedDestination,
  ) {}

  debug(message: string, fields?: Record<string, unknown>): void {
    this.pino.debug(fields ?? {}, message);
  }

  info(message: string, fields?: Record<string, unknown>): void {
    this.pino.info(fields ?? {}, message);
  }

  warn(message: string, fields?: Record<string, unknown>): void {
    this.pino.warn(fields ?? {}, message);
  }

  error(message: string, fields?: Record<string, unknown>): void {
    this.pino.error(fields ?? {}, message);
  }

  child(bindings: Record<string, unknown>): GatewayLogger {
    return new PinoGatewayLogger(this.pino.child(bindings), this.destination);
  }

  record(type: string, record: object): void {
    const body = JSON.stringify(record);
    this.destination.write(
      `{"time":${Date.now()},"type":${JSON.stringify(type)}${body.length > 2 ? `,${body.slice(1)}` : '}'}\n`,
    );
  }

  flush(): void {
    try {
      this.destination.flushSync();
    } catch {
      // The file is still being opened: the lines wait in the buffer and go out once it is.
    }
  }
}

/**
 * JSON lines (pino) into one buffered destination: writes leave in blocks of 8 KiB, or every
 * 250 ms when fewer lines come, so that logging never holds up a response and costs few
 * system calls. Every line of the process goes through the same buffer, so none is torn.
 */
export function createLogger(options: LoggerOptions): GatewayLogger {
  const dest =
    options.destination && options.destination !== 'stdout' && options.destination !== 'stderr'
      ? options.destination
      : options.destination === 'stderr'
        ? 2
        : 1;
  const destination = new LineBuffer(
    pino.destination({ dest, sync: false, mkdir: true }) as BufferedDestination,
  );
  setInterval(() => destination.flush(), FLUSH_INTERVAL_MS).unref();
  const logger = pino({ name: options.name, level: options.level, base: { pid: process.pid } }, destination);
  return new PinoGatewayLogger(logger, destination);
}
