/**
 * An error the gateway answers the client with, in Kong's proxy error shape
 * `{"error":{"message": "..."}}`. Thrown anywhere on the request path; the proxy turns it
 * into the response. Anything else thrown becomes a 500.
 */
export class GatewayError extends Error {
  constructor(
    /** HTTP status sent to the client. */
    readonly status: number,
    message: string,
    /** Extra response headers, e.g. `Retry-After`. */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'GatewayError';
  }

  /** The JSON body the client receives. */
  toBody(): Readonly<Record<string, unknown>> {
    return { error: { message: this.message } };
  }
}

/**
 * A `GatewayError` answered with the body of Kong's `kong.response.error`, `{"message": "..."}`,
 * as Kong's core and its non-AI plugins answer (key-auth's 401s), rather than the AI plugins'
 * `{"error": {"message": "..."}}`.
 */
export class GatewayMessageError extends GatewayError {
  override toBody(): Readonly<Record<string, unknown>> {
    return { message: this.message };
  }
}

/**
 * A `GatewayError` answered with a body of another shape: a native client API's
 * (Anthropic's `{"type":"error","error":{...}}` for a route whose `llm_format` is `anthropic`).
 */
export class ShapedGatewayError extends GatewayError {
  constructor(
    status: number,
    message: string,
    private readonly body: Readonly<Record<string, unknown>>,
    headers: Readonly<Record<string, string>> = {},
  ) {
    super(status, message, headers);
  }

  override toBody(): Readonly<Record<string, unknown>> {
    return this.body;
  }
}

/** A provider answer that cannot be translated (Kong: "transformation failed from type ..."). */
export class TranslationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TranslationError';
  }
}
