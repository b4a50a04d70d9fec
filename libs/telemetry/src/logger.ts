import { pino, type Logger as PinoLogger } from 'pino';
import { LineBuffer, type BlockDestination } from './line-buffer.js';

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

/** The longest a line waits for a block to fill. */
const FLUSH_INTERVAL_MS = 250;

class PinoGatewayLogger implements GatewayLogger {
  constructor(
    private readonly pino: PinoLogger,
    private readonly destination: LineBuffer,
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
    this.destination.writeJoined(
      `{"time":${Date.now()},"type":${JSON.stringify(type)}`,
      JSON.stringify(record),
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
 * JSON lines (pino) into one buffered destination: writes leave in blocks of 32 KiB, or every
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
  // sonic-boom's types know only its `utf8` content mode, whose `write` takes strings.
  const blocks = pino.destination({ dest, sync: false, mkdir: true, contentMode: 'buffer' });
  const destination = new LineBuffer(blocks as unknown as BlockDestination);
  setInterval(() => destination.flush(), FLUSH_INTERVAL_MS).unref();
  const logger = pino({ name: options.name, level: options.level, base: { pid: process.pid } }, destination);
  return new PinoGatewayLogger(logger, destination);
}
