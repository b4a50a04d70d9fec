import type { DestinationStream } from 'pino';

/** A destination of whole blocks of bytes (sonic-boom in its `buffer` content mode). */
export interface BlockDestination {
  write(block: Buffer): boolean;
  flush(): void;
  flushSync(): void;
}

/** Bytes gathered before a write: the fewer writes, the less CPU (each costs a trip to libuv's thread pool). */
const BLOCK_BYTES = 32 * 1024;
/** The memory lines are encoded into, block after block. */
const SLAB_BYTES = 128 * 1024;
/** The most UTF-8 bytes one UTF-16 unit encodes to (a surrogate pair: 4 bytes for 2 units). */
const MAX_BYTES_PER_UNIT = 3;
const COMMA = 0x2c;
const CLOSING_BRACE = 0x7d;
const NEWLINE = 0x0a;

/**
 * The process's log lines, encoded to UTF-8 once, as they come, into a slab of memory, and handed
 * to the destination as one `Buffer` per block of `BLOCK_BYTES` (or at `flush`). The slab is only
 * ever written forward, so a block handed out is never written over while the destination holds
 * it; a full slab is replaced by a new one.
 *
 * Why not strings: sonic-boom, given strings, measures the byte length of every write and of its
 * pending string, encodes each block for `fs.write`, then encodes it again to find where a write
 * ended; given `Buffer`s it only slices them.
 */
export class LineBuffer implements DestinationStream {
  private slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
  /** Where the block not yet handed out begins, and where the next byte goes. */
  private start = 0;
  private end = 0;

  constructor(private readonly destination: BlockDestination) {}

  /** One line, with its newline (pino's lines carry it). */
  write(line: string): boolean {
    this.makeRoom(line.length);
    this.end += this.slab.write(line, this.end);
    this.blockDone();
    return true;
  }

  /**
   * One line joined from two JSON objects' texts, as if their members were one object's: `head`
   * without its closing brace (`{"time":1,"type":"access"`), then `members`, a whole object
   * (`{"status":200}`). Spares the copy that slicing `members` and concatenating would make.
   */
  writeJoined(head: string, members: string): void {
    this.makeRoom(head.length + members.length + 1);
    const slab = this.slab;
    let at = this.end + slab.write(head, this.end);
    if (members.length > 2) {
      // Its opening brace becomes the comma after head's members.
      const brace = at;
      at += slab.write(members, at);
      slab[brace] = COMMA;
    } else {
      slab[at++] = CLOSING_BRACE;
    }
    slab[at++] = NEWLINE;
    this.end = at;
    this.blockDone();
  }

  /** Hands what is held to the destination, which writes it without waiting (or as soon as it is open). */
  flush(): void {
    this.handOut();
    this.destination.flush();
  }

  /** Writes out what is held and what the destination holds, synchronously. */
  flushSync(): void {
    this.handOut();
    this.destination.flushSync();
  }

  /** Makes sure a line of `units` UTF-16 units fits in the slab, whatever its characters. */
  private makeRoom(units: number): void {
    const bytes = units * MAX_BYTES_PER_UNIT;
    if (this.slab.length - this.end >= bytes) return;
    this.handOut();
    // A line longer than a slab gets a slab of its own, replaced after it (see `handOut`).
    this.slab = Buffer.allocUnsafeSlow(Math.max(SLAB_BYTES, bytes));
    this.start = 0;
    this.end = 0;
  }

  private blockDone(): void {
    if (this.end - this.start >= BLOCK_BYTES) this.handOut();
  }

  private handOut(): void {
    if (this.end === this.start) return;
    this.destination.write(this.slab.subarray(this.start, this.end));
    this.start = this.end;
    // An outsized slab is not kept for the lines after the long one it was made for.
    if (this.slab.length > SLAB_BYTES) this.end = this.start = this.slab.length;
  }
}
