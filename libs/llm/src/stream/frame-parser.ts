import type { StreamFrame } from '@switchyard/plugin-api';

/**
 * Cuts one streamed body into the provider's frames, incrementally: created per response, fed
 * every chunk as it arrives, and holding at most the one frame a chunk left unfinished.
 */
export interface FrameParser {
  /** The frames `chunk` completes, in order. Throws when the body is not in this framing. */
  push(chunk: Buffer): StreamFrame[];
  /** The body ended: the unfinished frame, when it can be read as one (else none). */
  end(): StreamFrame[];
}
