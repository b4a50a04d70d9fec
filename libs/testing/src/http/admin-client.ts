/** A response as a test sees it: status, headers, and the body parsed when it is JSON. */
// Tests read arbitrary JSON bodies field by field and assert on them; `any` keeps that terse.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface TestResponse<B = any> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: B;
  readonly text: string;
}

async function toTestResponse(response: Response): Promise<TestResponse> {
  const text = await response.text();
  let body: unknown = text;
  if (response.headers.get('content-type')?.includes('json') && text !== '') body = JSON.parse(text);
  return { status: response.status, headers: response.headers, body, text };
}

/**
 * Talks to an Admin API over real HTTP the way `curl` does in Kong's docs: `form` sends
 * `--data "k=v"` pairs form-encoded, `json` sends a JSON body.
 */
export class AdminClient {
  /** `headers` go with every request (`Kong-Admin-Token` for an Admin API that asks for a token). */
  constructor(
    readonly baseUrl: string,
    private readonly headers: Readonly<Record<string, string>> = {},
  ) {}

  /** `curl -X METHOD url --data "key=value" ...` */
  async form(
    method: string,
    path: string,
    pairs: readonly (readonly [string, string])[],
  ): Promise<TestResponse> {
    const body = new URLSearchParams(pairs as [string, string][]).toString();
    return this.send(method, path, body, 'application/x-www-form-urlencoded');
  }

  async json(method: string, path: string, body?: unknown): Promise<TestResponse> {
    return this.send(method, path, body === undefined ? undefined : JSON.stringify(body), 'application/json');
  }

  /** `curl -X METHOD url -F "key=value" ...`: a multipart/form-data body. */
  async multipart(method: string, path: string, form: FormData): Promise<TestResponse> {
    return toTestResponse(
      await fetch(`${this.baseUrl}${path}`, { method, body: form, headers: this.headers }),
    );
  }

  async get(path: string): Promise<TestResponse> {
    return toTestResponse(await fetch(`${this.baseUrl}${path}`, { headers: this.headers }));
  }

  async delete(path: string): Promise<TestResponse> {
    return toTestResponse(await fetch(`${this.baseUrl}${path}`, { method: 'DELETE', headers: this.headers }));
  }

  /** Any body with any content type, for the error cases. */
  async send(
    method: string,
    path: string,
    body: string | Uint8Array | undefined,
    contentType: string,
  ): Promise<TestResponse> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      body,
      headers: body === undefined ? this.headers : { ...this.headers, 'content-type': contentType },
    });
    return toTestResponse(response);
  }
}

/** Parses `--data "k=v"` arguments written as in a shell command, for guide-verbatim tests. */
export function curlData(...args: string[]): [string, string][] {
  return args.map((arg) => {
    const index = arg.indexOf('=');
    return [arg.slice(0, index), arg.slice(index + 1)];
  });
}
