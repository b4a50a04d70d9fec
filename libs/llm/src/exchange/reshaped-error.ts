import type { ClientApi, StreamTransformer } from '@switchyard/plugin-api';
import { upstreamErrorMessage } from './upstream-error.js';

/** The most bytes of a streamed error answer read to find its message. */
const MAX_ERROR_BYTES = 64 * 1024;

/** A provider's error answer (`text`) as the body a native client expects, with the same status. */
export function reshapedErrorBody(api: ClientApi, status: number, text: string): Buffer {
  return Buffer.from(JSON.stringify(api.errorBody(status, upstreamErrorMessage(text, status))));
}

/**
 * The error answer to a stream request (a status other than 200, one plain body) read whole,
 * within {@link MAX_ERROR_BYTES}, and sent at its end in the client API's error shape. Created
 * per response; `onText` hears the upstream's own text (for the payload log).
 */
export function createErrorReshaper(
  api: ClientApi,
  status: number,
  onText: (text: string) => void,
): StreamTransformer {
  const chunks: Buffer[] = [];
  let size = 0;
  let done = false;
  const finish = () => {
    if (done) return '';
    done = true;
    const text = Buffer.concat(chunks).toString('utf8');
    onText(text);
    return reshapedErrorBody(api, status, text);
  };
  return {
    transform(chunk) {
      if (size < MAX_ERROR_BYTES) chunks.push(chunk.subarray(0, MAX_ERROR_BYTES - size));
      size += chunk.length;
      return '';
    },
    end: finish,
    fail: finish,
  };
}
