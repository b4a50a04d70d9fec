import { describe, expect, it } from 'vitest';
import {
  ENTITY_DEFINITIONS,
  buildEntity,
  buildSnapshot,
  type Plugin,
  type Route,
  type Service,
} from '@switchyard/config';
import {
  GatewayError,
  type GatewayPlugin,
  type RecordField,
  type RequestContext,
} from '@switchyard/plugin-api';
import { ActiveConfig } from './active-config.js';

const schema: RecordField = {
  type: 'record',
  description: 'A plugin holding a credential.',
  fields: {
    auth: {
      type: 'record',
      description: 'Credentials.',
      fields: { header_value: { type: 'string', referenceable: true, description: 'The credential.' } },
    },
  },
};

/** A plugin that records the config its handler was made from. */
function recordingPlugin(seen: unknown[]): GatewayPlugin {
  return {
    name: 'ai-proxy',
    priority: 770,
    schema,
    createHandler: (config) => {
      seen.push(config);
      return {};
    },
  };
}

function recordingLogger() {
  const lines: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
  return {
    lines,
    info: (message: string, fields?: Record<string, unknown>) =>
      lines.push({ level: 'info', message, fields }),
    error: (message: string, fields?: Record<string, unknown>) =>
      lines.push({ level: 'error', message, fields }),
  };
}

const service = buildEntity(
  ENTITY_DEFINITIONS.services,
  { host: 'upstream.local' },
  { kind: 'create' },
) as Service;
const route = (name: string) =>
  buildEntity(
    ENTITY_DEFINITIONS.routes,
    { name, paths: [`/${name}`], service: { id: service.id } },
    { kind: 'create' },
  ) as Route;
const plugin = (routeId: string, headerValue: string) =>
  buildEntity(
    ENTITY_DEFINITIONS.plugins,
    { name: 'ai-proxy', route: { id: routeId }, config: { auth: { header_value: headerValue } } },
    { kind: 'create' },
  ) as Plugin;

const SECRET = 'Bearer sk-from-the-environment';

describe('ActiveConfig vault references', () => {
  it("gives each plugin its config with the references' secrets, keeping the snapshot's references", () => {
    const seen: unknown[] = [];
    const active = new ActiveConfig(new Map([['ai-proxy', recordingPlugin(seen)]]), recordingLogger(), {
      OPENAI_AUTH: SECRET,
    });
    const chat = route('chat');
    const snapshot = buildSnapshot({
      version: 1,
      services: [service],
      routes: [chat],
      consumers: [],
      plugins: [plugin(chat.id, '{vault://env/openai-auth}')],
    });
    expect(active.offer(snapshot)).toBe('swapped');
    expect(seen).toEqual([{ auth: { header_value: SECRET } }]);
    expect(snapshot.plugins[0]!.config).toEqual({ auth: { header_value: '{vault://env/openai-auth}' } });
    expect(active.current?.unresolvedReferences).toEqual([]);
  });

  it('makes a plugin whose reference cannot be resolved answer 500 naming it, logs that once, and serves the rest', async () => {
    const seen: unknown[] = [];
    const logger = recordingLogger();
    const active = new ActiveConfig(new Map([['ai-proxy', recordingPlugin(seen)]]), logger, {
      OPENAI_AUTH: SECRET,
    });
    const [broken, working] = [route('broken'), route('working')];
    const missing = plugin(broken.id, '{vault://env/missing-key}');
    expect(
      active.offer(
        buildSnapshot({
          version: 1,
          services: [service],
          routes: [broken, working],
          consumers: [],
          plugins: [missing, plugin(working.id, '{vault://env/openai-auth}')],
        }),
      ),
    ).toBe('swapped');

    expect(seen).toEqual([{ auth: { header_value: SECRET } }]);
    const [handler] = active.current!.chainFor(broken.id).handlers;
    let refusal: unknown;
    try {
      await handler!.access!({} as RequestContext);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(GatewayError);
    expect((refusal as GatewayError).status).toBe(500);
    expect((refusal as GatewayError).message).toBe(
      'the ai-proxy plugin of this route cannot resolve its vault references on this proxy: {vault://env/missing-key} (config.auth.header_value): the environment variable MISSING_KEY is not set',
    );

    const errors = logger.lines.filter((line) => line.level === 'error');
    expect(errors).toEqual([
      {
        level: 'error',
        message: 'cannot resolve a vault reference: the routes of its plugin answer 500',
        fields: {
          version: 1,
          plugin: `ai-proxy (${missing.id})`,
          field: 'config.auth.header_value',
          reference: '{vault://env/missing-key}',
          variable: 'MISSING_KEY',
          problem: 'the environment variable MISSING_KEY is not set',
        },
      },
    ]);
    expect(JSON.stringify(logger.lines)).not.toContain('sk-from-the-environment');
  });
});
