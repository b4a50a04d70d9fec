import { GatewayError, requiredOptionCheck } from '@switchyard/plugin-api';
import type { ModelOptions, ProviderDriver, ProviderRequest } from '@switchyard/plugin-api';
import { createOpenAiCompatibleDriver, upstreamPath } from '@switchyard/provider-openai-compatible';
import type { RoutePaths } from '@switchyard/provider-openai-compatible';

/** Kong's default `model.options.azure_api_version`. */
const AZURE_DEFAULT_API_VERSION = '2023-05-15';

/** Azure's Responses API, one path for every deployment. */
const AZURE_RESPONSES_PATH = '/openai/responses';

const AZURE_PATHS: RoutePaths = {
  'llm/v1/chat': '/chat/completions',
  'llm/v1/completions': '/completions',
  'llm/v1/embeddings': '/embeddings',
};

function requiredOption(options: ModelOptions, name: 'azure_instance' | 'azure_deployment_id'): string {
  const value = options[name];
  // The config schema requires both; a `$(...)` template can still resolve to nothing.
  if (!value) throw new GatewayError(500, `must set 'model.options.${name}' for azure provider`);
  return value;
}

/** The path of a request under the instance: per deployment, but for the Responses API (the body's `model` names the deployment). */
function azurePath(request: ProviderRequest): string {
  if (request.routeType === 'llm/v1/responses' && !request.model.options.upstream_path)
    return AZURE_RESPONSES_PATH;
  const deployment = encodeURIComponent(requiredOption(request.model.options, 'azure_deployment_id'));
  return `/openai/deployments/${deployment}${upstreamPath(request, AZURE_PATHS)}`;
}

/**
 * `https://{azure_instance}.openai.azure.com/openai/deployments/{azure_deployment_id}/chat/completions`
 * (or `/completions`, `/embeddings`), `/openai/responses` for the Responses API, with
 * `api-version`: the client's query value wins over the configured one.
 */
function azureUrl(request: ProviderRequest): URL {
  const { options } = request.model;
  const instance = requiredOption(options, 'azure_instance');
  const url = new URL(`https://${instance}.openai.azure.com:443${azurePath(request)}`);
  const apiVersion =
    request.clientQuery.get('api-version') || options.azure_api_version || AZURE_DEFAULT_API_VERSION;
  url.searchParams.set('api-version', apiVersion);
  return url;
}

/** Azure OpenAI: the OpenAI translation, at the deployment's own URL. */
export const azureProvider: ProviderDriver = createOpenAiCompatibleDriver({
  id: 'azure',
  telemetryName: 'azure.ai.openai',
  upstreamUrl: azureUrl,
  optionFields: {
    azure_instance: {
      type: 'string',
      description: 'Azure OpenAI instance name: the `<instance>` of `<instance>.openai.azure.com`.',
    },
    azure_api_version: {
      type: 'string',
      default: AZURE_DEFAULT_API_VERSION,
      description: 'The `api-version` query parameter for Azure OpenAI, when the client sends none.',
    },
    azure_deployment_id: {
      type: 'string',
      description: 'Azure OpenAI deployment id, part of the upstream path.',
    },
  },
  configChecks: [
    requiredOptionCheck('azure', 'azure_instance'),
    requiredOptionCheck('azure', 'azure_api_version'),
    requiredOptionCheck('azure', 'azure_deployment_id'),
  ],
  analyticsMeta: (options) => ({
    azure_instance_id: options.azure_instance,
    azure_deployment_id: options.azure_deployment_id,
    azure_api_version: options.azure_api_version,
  }),
});
