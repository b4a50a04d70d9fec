import type { StreamTransformer } from '@switchyard/plugin-api';
import { GzipStreamDecoder } from './gzip-stream.decoder.js';

/**
 * Passes a gzipped body through decoded, for a client that did not ask for gzip. A corrupt
 * body is cut where it breaks: the client cannot read the rest either way.
 */
export function createGunzipPassthrough(): StreamTransformer {
  const decoder = new GzipStreamDecoder();
  let broken = false;
  return {
    transform(chunk) {
      if (broken) return '';
      try {
        return decoder.push(chunk);
      } catch {
        broken = true;
        return '';
      }
    },
    end: () => '',
    fail: () => '',
  };
}
