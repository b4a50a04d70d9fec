/** The most characters of a non-JSON error answer quoted in a reshaped error. */
const MAX_QUOTED = 500;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The message of a provider's error answer, whatever its shape: OpenAI's and Anthropic's
 * `error.message`, a string `error`, Bedrock's `message` / `Message`, Hugging Face's `detail`;
 * else the text itself (cut), else the status. Used to answer a native client in its own error
 * shape when another provider failed.
 */
export function upstreamErrorMessage(text: string, status: number): string {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (isRecord(body)) {
    const error = body.error;
    const candidates = [isRecord(error) ? error.message : error, body.message, body.Message, body.detail];
    const found = candidates.find((value): value is string => typeof value === 'string' && value !== '');
    if (found) return found;
  }
  const trimmed = text.trim();
  return trimmed === '' ? `the upstream answered ${status}` : trimmed.slice(0, MAX_QUOTED);
}
