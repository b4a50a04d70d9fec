import type { Writable } from 'node:stream';
import { errors, type Dispatcher } from 'undici';

/**
 * How the proxy cancels an upstream call when its client goes away: one flag and one callback
 * per request, where an `AbortSignal` would cost a listener registered and removed per call.
 */
export interface CallCancellation {
  /** True once the client went away. */
  readonly cancelled: boolean;
  /** Set by the call in flight (and cleared when it ends): run when the client goes away. */
  onCancel: (() => void) | undefined;
}

/** The upstream's answer head, and its body to read one way. */
export interface UpstreamResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[]>;
  readonly body: UpstreamBody;
}

/** An upstream body, read once (whole, piped, or chunk by chunk) or abandoned. */
export interface UpstreamBody {
  /**
   * Resolves with the whole body once it ended; rejects with what ended the call instead. The
   * body is cut off (the connection dropped) with `tooLarge()` past `limit` bytes, and with
   * `late()` when it has not ended `deadlineMs` after this call.
   */
  readWhole(limit: number, deadlineMs: number, tooLarge: () => Error, late: () => Error): Promise<Buffer>;
  /**
   * Hands each chunk to `onChunk` the moment it arrives (no stream in between, no promise per
   * chunk); `onChunk` returns false to stop reading, which drops the connection. Resolves when the
   * body ended or was stopped; rejects with what ended the call otherwise (`fail`, a body that
   * broke off or timed out, the client gone), or with what `onChunk` threw.
   */
  forEach(onChunk: (chunk: Buffer) => boolean): Promise<void>;
  /** Ends a call still in flight with `error`, which its reader gets, and drops its connection. */
  fail(error: Error): void;
  /**
   * Writes the body to `destination` as it comes (no stream in between), pausing the connection
   * while `destination` is full, and ends it; rejects with what cut the call off, leaving
   * `destination` to the caller.
   */
  pipeTo(destination: Writable): Promise<void>;
  /** Stops reading a body nobody will read and drops its connection; does nothing once it ended. */
  abandon(): void;
}

/** What receives the body once a reader took it. */
interface BodySink {
  data(chunk: Buffer): void;
  end(): void;
  error(error: Error): void;
}

/** Bytes held for a body nobody reads yet, before the connection is paused. */
const UNREAD_HIGH_WATER_MARK = 64 * 1024;

/**
 * One upstream call, as an undici dispatch handler: `head` resolves with the response head
 * (1xx heads are skipped) and rejects with the error that ended the call before it. The body's
 * chunks go straight to its one reader: into one buffer (`readWhole`), into a writable
 * (`pipeTo`), or to a callback (`forEach`). Chunks that arrive before the reader came are held
 * (the connection paused past `UNREAD_HIGH_WATER_MARK`); undici hands each chunk over as a view
 * of the socket's own read, never reused, so holding it is safe.
 */
export class UpstreamCall implements Dispatcher.DispatchHandler, UpstreamBody {
  readonly head: Promise<UpstreamResponse>;
  private resolveHead!: (response: UpstreamResponse) => void;
  private rejectHead!: (error: Error) => void;
  private controller: Dispatcher.DispatchController | undefined;
  private headArrived = false;
  private finished = false;
  /** What ended the call after its head, for a reader that comes later. */
  private failure: Error | undefined;
  private unread: Buffer[] = [];
  private unreadBytes = 0;
  private sink: BodySink | undefined;

  constructor(private readonly cancellation: CallCancellation) {
    this.head = new Promise((resolve, reject) => {
      this.resolveHead = resolve;
      this.rejectHead = reject;
    });
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.cancellation.cancelled) controller.abort(new errors.RequestAbortedError());
    else this.cancellation.onCancel = () => this.cutOff(new errors.RequestAbortedError());
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    status: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    if (status < 200) return;
    this.headArrived = true;
    this.resolveHead({ status, headers: headers as Record<string, string | string[]>, body: this });
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.sink) return this.sink.data(chunk);
    this.unread.push(chunk);
    this.unreadBytes += chunk.length;
    if (this.unreadBytes > UNREAD_HIGH_WATER_MARK) controller.pause();
  }

  onResponseEnd(): void {
    this.settle();
    this.sink?.end();
  }

  onResponseError(_controller: Dispatcher.DispatchController | null, error: Error): void {
    this.settle();
    if (!this.headArrived) return this.rejectHead(error);
    this.failure = error;
    this.sink?.error(error);
  }

  readWhole(limit: number, deadlineMs: number, tooLarge: () => Error, late: () => Error): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const deadline = setTimeout(() => this.cutOff(late()), deadlineMs);
      this.read({
        data: (chunk) => {
          size += chunk.length;
          if (size > limit) return this.cutOff(tooLarge());
          chunks.push(chunk);
        },
        end: () => {
          clearTimeout(deadline);
          resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
        },
        error: (error) => {
          clearTimeout(deadline);
          reject(error);
        },
      });
    });
  }

  forEach(onChunk: (chunk: Buffer) => boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      // Once stopped (by `onChunk`), the promise is settled: what the cut-off brings is ignored.
      let stopped = false;
      const stop = (settle: () => void, error: () => Error) => {
        stopped = true;
        settle();
        if (!this.finished) this.cutOff(error());
      };
      this.read({
        data: (chunk) => {
          if (stopped) return;
          try {
            if (!onChunk(chunk)) stop(resolve, () => new errors.RequestAbortedError());
          } catch (error) {
            stop(
              () => reject(error),
              () => error as Error,
            );
          }
        },
        end: resolve,
        error: (error) => {
          if (!stopped) reject(error);
        },
      });
    });
  }

  fail(error: Error): void {
    this.cutOff(error);
  }

  pipeTo(destination: Writable): Promise<void> {
    return new Promise((resolve, reject) => {
      let waitingForDrain = false;
      const drained = () => {
        waitingForDrain = false;
        this.controller?.resume();
      };
      this.read({
        data: (chunk) => {
          if (destination.write(chunk) || waitingForDrain) return;
          waitingForDrain = true;
          this.controller?.pause();
          destination.once('drain', drained);
        },
        end: () => {
          destination.end();
          resolve();
        },
        error: reject,
      });
    });
  }

  abandon(): void {
    if (!this.finished) this.cutOff(new errors.RequestAbortedError());
  }

  /** Hands the body to its one reader: what was held first, then how it ended, or what comes. */
  private read(sink: BodySink): void {
    const held = this.unread;
    this.unread = [];
    this.unreadBytes = 0;
    for (const chunk of held) {
      sink.data(chunk);
      // A held chunk may end the read (a body too large): the rest is not wanted.
      if (this.finished && this.failure) break;
    }
    if (this.failure) return sink.error(this.failure);
    if (this.finished) return sink.end();
    this.sink = sink;
    this.controller?.resume();
  }

  /** Ends a call in flight with `error` (its reader gets it) and drops its connection. */
  private cutOff(error: Error): void {
    if (!this.finished) this.controller?.abort(error);
  }

  private settle(): void {
    this.finished = true;
    this.cancellation.onCancel = undefined;
  }
}
