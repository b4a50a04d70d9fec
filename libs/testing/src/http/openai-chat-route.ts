import { MOCK_PROVIDER_API_KEY } from '../mock-providers/mock-provider.types.js';
import { curlData, type AdminClient } from './admin-client.js';

/** A service, a route and its OpenAI `ai-proxy` plugin, as `addOpenAiChatRoute` creates them. */
export interface OpenAiChatRoute {
  readonly service: string;
  readonly route: string;
  /** The route's path (`/chat`, `~/chat`). */
  readonly path: string;
  /** The provider URL the plugin calls (`config.model.options.upstream_url`). */
  readonly upstreamUrl: string;
  /** More `--data` pairs for the plugin (`config.model.options.max_tokens=512`, ...). */
  readonly config?: readonly string[];
}

/**
 * Creates, through the Admin API, a service, a route and an `ai-proxy` plugin for OpenAI chat
 * (model `gpt-4`, the mock providers' key); throws with the answer unless each is created.
 */
export async function addOpenAiChatRoute(admin: AdminClient, chat: OpenAiChatRoute): Promise<void> {
  const steps: [string, [string, string][]][] = [
    ['/services', curlData(`name=${chat.service}`, 'url=http://localhost:32000')],
    [`/services/${chat.service}/routes`, curlData(`name=${chat.route}`, `paths[]=${chat.path}`)],
    [
      `/routes/${chat.route}/plugins`,
      curlData(
        'name=ai-proxy',
        'config.route_type=llm/v1/chat',
        'config.auth.header_name=Authorization',
        `config.auth.header_value=Bearer ${MOCK_PROVIDER_API_KEY}`,
        'config.model.provider=openai',
        'config.model.name=gpt-4',
        `config.model.options.upstream_url=${chat.upstreamUrl}`,
        ...(chat.config ?? []),
      ),
    ],
  ];
  for (const [path, pairs] of steps) {
    const response = await admin.form('POST', path, pairs);
    if (response.status !== 201)
      throw new Error(`POST ${path} answered ${response.status}: ${response.text}`);
  }
}
