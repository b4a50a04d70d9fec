import type { SignatureV4 } from '@smithy/signature-v4';
import { GatewayError } from '@switchyard/plugin-api';
import type { Authenticator, LlmAuthConfig, OutgoingLlmRequest } from '@switchyard/plugin-api';
import { bedrockRegion, type AwsEnvironment } from './bedrock.endpoint.js';

/** The IAM credentials requests are signed with. */
export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Temporary credentials' token (`AWS_SESSION_TOKEN`), sent as `x-amz-security-token`. */
  readonly sessionToken?: string;
}

/** The credential scope's service of the Bedrock runtime (its host says `bedrock-runtime`). */
export const BEDROCK_SIGNING_SERVICE = 'bedrock';

/** The headers the signature adds, copied onto the request that is sent. */
const SIGNATURE_HEADERS = ['authorization', 'x-amz-date', 'x-amz-content-sha256', 'x-amz-security-token'];

/** Request headers that are the gateway's to sign, of which a client's own never reach AWS. */
const AWS_HEADER_PREFIX = 'x-amz-';

/**
 * The credentials of a config: `auth.aws_access_key_id` and `auth.aws_secret_access_key`, else
 * `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` (with `AWS_SESSION_TOKEN`) from the gateway's
 * environment; `undefined` when neither gives a pair.
 */
export function bedrockCredentials(auth: LlmAuthConfig, env: AwsEnvironment): AwsCredentials | undefined {
  if (auth.aws_access_key_id && auth.aws_secret_access_key)
    return { accessKeyId: auth.aws_access_key_id, secretAccessKey: auth.aws_secret_access_key };
  const { AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN } = env;
  if (!AWS_ACCESS_KEY_ID || !AWS_SECRET_ACCESS_KEY) return undefined;
  return {
    accessKeyId: AWS_ACCESS_KEY_ID,
    secretAccessKey: AWS_SECRET_ACCESS_KEY,
    ...(AWS_SESSION_TOKEN && { sessionToken: AWS_SESSION_TOKEN }),
  };
}

/**
 * A SigV4 signer of Bedrock runtime requests (the AWS SDK's own, SHA-256 from Node's crypto). The
 * SDK's modules are imported here, on a config's first request: a gateway without a Bedrock route
 * never loads them.
 */
export async function bedrockSigner(credentials: AwsCredentials): Promise<SignatureV4> {
  const [{ Hash }, { SignatureV4 }] = await Promise.all([
    import('@smithy/hash-node'),
    import('@smithy/signature-v4'),
  ]);
  return new SignatureV4({
    service: BEDROCK_SIGNING_SERVICE,
    // Every request names its region (`signingRegion`): it may come from a template.
    region: () => Promise.reject(new Error('the signing region is given per request')),
    credentials,
    sha256: Hash.bind(null, 'sha256'),
  });
}

/** A URL's query as the signer takes it: each name with its value, or its values when repeated. */
function queryOf(url: URL): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const name of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(name);
    query[name] = values.length === 1 ? values[0]! : values;
  }
  return query;
}

/**
 * Signs the request exactly as it will be sent. The signed headers are the ones that reach AWS
 * as they are here: `host` (what the HTTP client derives from the URL), `content-type`, and the
 * signature's own `x-amz-date`, `x-amz-content-sha256` and `x-amz-security-token`. The others
 * are left out of the signature on purpose: the client's headers and Kong's `X-Forwarded-*` are
 * not the gateway's to vouch for, and the gateway adds `traceparent` after this stage. The
 * client's own `x-amz-*` headers are dropped first, so that no unsigned AWS header (a token,
 * a checksum) reaches AWS.
 */
export async function signBedrockRequest(
  signer: SignatureV4,
  request: OutgoingLlmRequest,
  region: string,
): Promise<void> {
  const { headers, url } = request;
  for (const name of Object.keys(headers)) if (name.startsWith(AWS_HEADER_PREFIX)) delete headers[name];
  const signed: Record<string, string> = { host: url.host };
  const contentType = headers['content-type'];
  if (contentType !== undefined) signed['content-type'] = contentType;
  const result = await signer.sign(
    {
      method: request.method,
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port && { port: Number(url.port) }),
      path: url.pathname,
      query: queryOf(url),
      headers: signed,
      body: request.body,
    },
    { signingRegion: region, signingDate: new Date() },
  );
  for (const name of SIGNATURE_HEADERS) {
    const value = result.headers[name];
    if (value !== undefined) headers[name] = value;
  }
}

/** Every request of a config without credentials fails, saying where they go. */
const MISSING_CREDENTIALS = new GatewayError(
  500,
  "bedrock needs AWS credentials: set config.auth.aws_access_key_id and config.auth.aws_secret_access_key, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary credentials) in the gateway's environment",
);

/**
 * Bedrock's authenticator for one plugin config: the credentials are read once, when the config
 * is compiled, the signer made on its first request; every request (every attempt) is signed anew with SigV4 over its final URL,
 * headers and body, for its own region (see `bedrockRegion`) and at its own time.
 */
export function createBedrockAuthenticator(auth: LlmAuthConfig, env: AwsEnvironment): Authenticator {
  const credentials = bedrockCredentials(auth, env);
  if (!credentials) {
    return {
      authenticate() {
        throw MISSING_CREDENTIALS;
      },
    };
  }
  let signer: Promise<SignatureV4> | undefined;
  return {
    authenticate: async (request) =>
      signBedrockRequest(
        await (signer ??= bedrockSigner(credentials)),
        request,
        bedrockRegion(request.options, env),
      ),
  };
}
