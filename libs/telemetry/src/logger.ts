import { pino, type Logger as PinoLogger } from 'pino';

/** Structured logging as every part of the gateway uses it: a message and fields. */
export interface GatewayLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** A logger whose lines all carry `bindings` (e.g. `{ component: 'proxy' }`). */
  child(bindings: Record<string, unknown>): GatewayLogger;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

export interface LoggerOptions {
  readonly level: LogLevel;
  /** `stdout`, `stderr`, or a file path. Default stdout. */
  readonly destination?: string;
  readonly name: string;
}

class PinoGatewayLogger implements GatewayLogger {
  constructor(private readonly pino: PinoLogger) {}

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
    return new PinoGatewayLogger(this.pino.child(bindings));
  }
}

/**
 * JSON lines (pino), written asynchronously so that logging never holds up a response. A file
 * destination is appended to.
 */
export function createLogger(options: LoggerOptions): GatewayLogger {
  const fd = options.destination === 'stderr' ? 2 : 1;
  const destination =
    options.destination && options.destination !== 'stdout' && options.destination !== 'stderr'
      ? pino.destination({ dest: options.destination, sync: false, mkdir: true })
      : pino.destination({ fd, sync: false });
  return new PinoGatewayLogger(
    pino({ name: options.name, level: options.level, base: { pid: process.pid } }, destination),
  );
}
