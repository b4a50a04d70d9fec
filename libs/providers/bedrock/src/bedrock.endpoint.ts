import { GatewayError } from '@switchyard/plugin-api';
import type { ModelOptions, ProviderRequest } from '@switchyard/plugin-api';
import { upstreamPath } from '@switchyard/provider-openai-compatible';

/** The process environment as the driver reads it: AWS's standard variables. */
export type AwsEnvironment = Readonly<Record<string, string | undefined>>;

/** An AWS region name (`us-east-1`, `eu-central-2`, `us-gov-west-1`): it lands in a host name. */
const REGION_NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** The variables an AWS SDK reads an endpoint override from, the service's own first. */
const ENDPOINT_VARIABLES = ['AWS_ENDPOINT_URL_BEDROCK_RUNTIME', 'AWS_ENDPOINT_URL'] as const;

/**
 * The region a request is sent to and signed for: `model.options.bedrock.aws_region`, else
 * `AWS_REGION`, else `AWS_DEFAULT_REGION` (as Kong and the AWS SDKs read them). A request
 * without one, or with one that is no region name, is the gateway's own failure: a 500 that
 * says what to set.
 */
export function bedrockRegion(options: ModelOptions, env: AwsEnvironment): string {
  const configured = options.bedrock?.aws_region;
  const region = configured || env.AWS_REGION || env.AWS_DEFAULT_REGION;
  if (!region) {
    throw new GatewayError(
      500,
      "bedrock needs an AWS region: set config.model.options.bedrock.aws_region, or AWS_REGION (or AWS_DEFAULT_REGION) in the gateway's environment",
    );
  }
  if (!REGION_NAME.test(region)) {
    const source = configured ? 'model.options.bedrock.aws_region' : 'the AWS_REGION environment variable';
    throw new GatewayError(500, `${source} '${region}' is not an AWS region name (such as us-east-1)`);
  }
  return region;
}

/**
 * The endpoint the AWS SDKs would call instead of AWS's own (`AWS_ENDPOINT_URL_BEDROCK_RUNTIME`,
 * else `AWS_ENDPOINT_URL`: a VPC endpoint, a local stand-in), or `undefined` for AWS's.
 */
function endpointOverride(env: AwsEnvironment): URL | undefined {
  for (const name of ENDPOINT_VARIABLES) {
    const value = env[name];
    if (!value) continue;
    if (!URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol))
      throw new GatewayError(500, `${name} must be an http(s) URL, not '${value}'`);
    return new URL(value);
  }
  return undefined;
}

/**
 * A model id as one path segment, encoded as the AWS SDKs encode it (`encodeURIComponent`, and
 * `!'()*` too): model ids and ARNs carry `:` and `/`.
 */
export function encodeModelId(modelId: string): string {
  return encodeURIComponent(modelId).replace(
    /[!'()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** The runtime operation: `converse` (`converse-stream` for a stream), `invoke` for embeddings. */
function operationOf(request: ProviderRequest): string {
  if (request.routeType === 'llm/v1/embeddings') return 'invoke';
  return request.stream ? 'converse-stream' : 'converse';
}

/**
 * `https://bedrock-runtime.{region}.amazonaws.com/model/{model}/{operation}` (see `operationOf`),
 * or the same path on the endpoint an AWS SDK variable names. Kong's deprecated `upstream_path`
 * replaces the path.
 */
export function bedrockUpstreamUrl(request: ProviderRequest, env: AwsEnvironment): URL {
  const region = bedrockRegion(request.model.options, env);
  const operation = operationOf(request);
  const path = upstreamPath(request, {
    [request.routeType]: `/model/${encodeModelId(request.model.name)}/${operation}`,
  });
  const endpoint = endpointOverride(env);
  if (!endpoint) return new URL(path, `https://bedrock-runtime.${region}.amazonaws.com`);
  // An endpoint with a path keeps it as the prefix of the operation's.
  endpoint.pathname = `${endpoint.pathname.replace(/\/+$/, '')}${path}`;
  endpoint.search = '';
  return endpoint;
}
