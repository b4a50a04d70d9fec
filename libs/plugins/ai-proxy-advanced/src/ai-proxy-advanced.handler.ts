import type { PluginHandler, PluginScope, ProviderRegistry, RequestContext } from '@switchyard/plugin-api';
import { compileLlmTarget, LOG_NAMESPACE } from '@switchyard/llm';
import type { AiProxyAdvancedConfig, AiProxyAdvancedTarget } from './ai-proxy-advanced.config.js';
import { UpstreamTemplate } from './attempt-upstream.js';
import { BalancedRequest, type BalancedRoute, type BalancedTarget } from './balanced-request.js';
import { Balancer } from './balancer/balancer.js';
import { FailoverPolicy } from './failover-policy.js';

/** A target's name: `provider/model`, numbered when several targets share it. */
function targetNames(targets: readonly AiProxyAdvancedTarget[]): string[] {
  const names = targets.map((target) => `${target.model.provider}/${target.model.name ?? '(request model)'}`);
  return names.map((name, index) =>
    names.indexOf(name) === names.lastIndexOf(name) ? name : `${name}#${index + 1}`,
  );
}

/**
 * The phases of one `ai-proxy-advanced` plugin entity: its targets compiled once per config
 * snapshot (each the LLM core's target, as `ai-proxy`'s), and a balancer whose state is this
 * node's and lives as long as the config. Each request gets a `BalancedRequest`, kept per
 * request and set as its failover policy (`ctx.failover`).
 */
export function createAiProxyAdvancedHandler(
  config: AiProxyAdvancedConfig,
  scope: PluginScope,
  providers: ProviderRegistry,
  now: () => number = Date.now,
): PluginHandler {
  const settings = config.balancer;
  const names = targetNames(config.targets);
  const targets: BalancedTarget[] = config.targets.map((target, index) => ({
    name: names[index]!,
    target: compileLlmTarget(
      {
        pluginId: scope.pluginId,
        config: target,
        responseStreaming: config.response_streaming,
        modelNameHeader: config.model_name_header,
        // The schema admits `openai` only for now.
        clientFormat: config.llm_format,
        maxRequestBodySize: config.max_request_body_size,
        replacesBodyModel: true,
      },
      providers,
    ),
  }));
  const route: BalancedRoute = {
    targets,
    balancer: new Balancer(
      {
        algorithm: settings.algorithm,
        weights: config.targets.map((target) => target.weight),
        maxFails: settings.max_fails,
        failTimeoutMs: settings.fail_timeout,
      },
      now,
    ),
    policy: new FailoverPolicy(settings.failover_criteria, settings.retries),
    settings,
    now,
  };
  const timeouts = {
    connect: settings.connect_timeout,
    read: settings.read_timeout,
    write: settings.write_timeout,
  };
  const hashHeader = settings.hash_on_header.toLowerCase();
  const requests = new WeakMap<RequestContext, BalancedRequest>();

  return {
    access(ctx) {
      const header = ctx.request.headers[hashHeader];
      const request = new BalancedRequest(
        ctx,
        route,
        new UpstreamTemplate(ctx.upstream, timeouts),
        Array.isArray(header) ? header[0] : header,
      );
      requests.set(ctx, request);
      const started = request.first();
      // Most signers finish at once: no promise then on the request path.
      if (!started) return void (ctx.failover = request);
      return started.then(() => void (ctx.failover = request));
    },

    async bufferedResponse(ctx, response) {
      await requests.get(ctx)?.exchange?.answer(ctx, response);
    },

    streamStart(ctx, head) {
      return requests.get(ctx)?.exchange?.stream(ctx, head);
    },

    log(ctx) {
      const request = requests.get(ctx);
      requests.delete(ctx);
      const entry = request?.finish();
      if (entry) ctx.log[LOG_NAMESPACE] = entry;
    },
  };
}
