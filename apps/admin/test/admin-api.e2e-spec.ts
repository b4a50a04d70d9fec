import { describe, expect, it } from 'vitest';
import { openConfigStore } from '@switchyard/config';
import { SWITCHYARD_VERSION } from '@switchyard/plugin-api';
import { createTestDatabase, curlData, type TestDatabase, type TestResponse } from '@switchyard/testing';
import { startInProcessAdmin, type AdminUnderTest } from './in-process-admin.js';

function describeAdminApi(storeName: string, admin: () => AdminUnderTest) {
  describe(`Admin API on ${storeName}`, () => {
    describe("Kong's AI Proxy guide, verbatim", () => {
      it('creates the OpenAI service, route and plugin with the defaults filled', async () => {
        const { client } = admin();
        const service = await client.form(
          'POST',
          '/services',
          curlData('name=ai-proxy', 'url=http://localhost:32000'),
        );
        expect(service.status).toBe(201);
        expect(service.body).toMatchObject({
          name: 'ai-proxy',
          protocol: 'http',
          host: 'localhost',
          port: 32000,
          path: null,
          retries: 5,
          connect_timeout: 60000,
          read_timeout: 60000,
          write_timeout: 60000,
          enabled: true,
          tags: null,
        });
        expect(service.body.id).toMatch(/^[0-9a-f-]{36}$/);
        expect(Number.isInteger(service.body.created_at)).toBe(true);

        const route = await client.form(
          'POST',
          '/services/ai-proxy/routes',
          curlData('name=openai-chat', 'paths[]=~/openai-chat$'),
        );
        expect(route.status).toBe(201);
        expect(route.body).toMatchObject({
          name: 'openai-chat',
          paths: ['~/openai-chat$'],
          protocols: ['http', 'https'],
          strip_path: true,
          preserve_host: false,
          regex_priority: 0,
          path_handling: 'v0',
          https_redirect_status_code: 426,
          service: { id: service.body.id },
        });

        const plugin = await client.form(
          'POST',
          '/routes/openai-chat/plugins',
          curlData(
            'name=ai-proxy',
            'config.route_type=llm/v1/chat',
            'config.auth.header_name=Authorization',
            'config.auth.header_value=Bearer <openai_key>',
            'config.model.provider=openai',
            'config.model.name=gpt-4',
            'config.model.options.max_tokens=512',
            'config.model.options.temperature=1.0',
          ),
        );
        expect(plugin.status).toBe(201);
        expect(plugin.body).toMatchObject({
          name: 'ai-proxy',
          route: { id: route.body.id },
          service: null,
          consumer: null,
          enabled: true,
          config: {
            route_type: 'llm/v1/chat',
            auth: {
              header_name: 'Authorization',
              header_value: 'Bearer <openai_key>',
              allow_override: false,
            },
            model: { provider: 'openai', name: 'gpt-4', options: { max_tokens: 512, temperature: 1 } },
            logging: { log_statistics: false, log_payloads: false },
            response_streaming: 'allow',
            max_request_body_size: 8192,
            model_name_header: true,
          },
        });

        const listed = await admin().client.get('/routes/openai-chat/plugins');
        expect(listed.status).toBe(200);
        expect(listed.body.data.map((entity: { id: string }) => entity.id)).toEqual([plugin.body.id]);
      });

      it('creates the Azure route and plugin with the Azure options', async () => {
        const { client } = admin();
        const route = await client.form(
          'POST',
          '/services/ai-proxy/routes',
          curlData('name=azure-chat', 'paths[]=~/azure-chat$'),
        );
        expect(route.status).toBe(201);
        const plugin = await client.form(
          'POST',
          '/routes/azure-chat/plugins',
          curlData(
            'name=ai-proxy',
            'config.route_type=llm/v1/chat',
            'config.auth.header_name=api-key',
            'config.auth.header_value=<azure_key>',
            'config.model.provider=azure',
            'config.model.name=gpt-35-turbo',
            'config.model.options.azure_instance=my-openai-instance',
            'config.model.options.azure_deployment_id=kong-gpt-3-5',
            'config.model.options.max_tokens=512',
            'config.model.options.temperature=1.0',
          ),
        );
        expect(plugin.status).toBe(201);
        expect(plugin.body.config.model).toMatchObject({
          provider: 'azure',
          name: 'gpt-35-turbo',
          options: {
            azure_instance: 'my-openai-instance',
            azure_deployment_id: 'kong-gpt-3-5',
            azure_api_version: '2023-05-15',
            max_tokens: 512,
            temperature: 1,
          },
        });
      });
    });

    it('decodes a multipart/form-data body as Kong does', async () => {
      const form = new FormData();
      form.append('name', 'multipart-route');
      form.append('paths[]', '/multi');
      form.append('paths[]', '/part');
      form.append('methods', 'POST');
      form.append('strip_path', 'false');
      const response = await fetch(`${admin().client.baseUrl}/services/ai-proxy/routes`, {
        method: 'POST',
        body: form,
      });
      expect(response.status).toBe(201);
      expect(await response.json()).toMatchObject({
        name: 'multipart-route',
        paths: ['/multi', '/part'],
        methods: ['POST'],
        strip_path: false,
      });
    });

    describe('reads, updates and deletes', () => {
      it('reads an entity by id or by name, and 404s an unknown one', async () => {
        const { client } = admin();
        const byName = await client.get('/services/ai-proxy');
        expect(byName.status).toBe(200);
        expect((await client.get(`/services/${byName.body.id}`)).body.name).toBe('ai-proxy');
        const missing = await client.get('/services/nope');
        expect(missing.status).toBe(404);
        expect(missing.body).toEqual({ message: 'Not found' });
      });

      it('merges a PATCH of a plugin config and keeps the rest', async () => {
        const { client } = admin();
        const [plugin] = (await client.get('/routes/openai-chat/plugins')).body.data;
        const patched = await client.form(
          'PATCH',
          `/plugins/${plugin.id}`,
          curlData('config.model.options.max_tokens=1024'),
        );
        expect(patched.status).toBe(200);
        expect(patched.body.config.model).toMatchObject({
          name: 'gpt-4',
          options: { max_tokens: 1024, temperature: 1 },
        });
        expect(patched.body.updated_at).toBeGreaterThanOrEqual(plugin.updated_at);
      });

      it("reads, changes and deletes a nested collection's member through its parent, and only there", async () => {
        const { client } = admin();
        const [plugin] = (await client.get('/routes/openai-chat/plugins')).body.data;
        const read = await client.get(`/routes/openai-chat/plugins/${plugin.id}`);
        expect(read.status).toBe(200);
        expect(read.body.id).toBe(plugin.id);

        const patched = await client.form(
          'PATCH',
          `/routes/openai-chat/plugins/${plugin.id}`,
          curlData('config.model.options.temperature=0.5'),
        );
        expect(patched.status).toBe(200);
        expect(patched.body.config.model.options.temperature).toBe(0.5);

        // Another parent's member is not found there, and stays as it was.
        await client.json('POST', '/services', { name: 'elsewhere', host: 'elsewhere.example' });
        await client.json('POST', '/services/elsewhere/routes', {
          name: 'elsewhere-route',
          paths: ['/else'],
        });
        const wrongParent = await client.form(
          'PATCH',
          `/routes/elsewhere-route/plugins/${plugin.id}`,
          curlData('config.model.options.temperature=0.9'),
        );
        expect(wrongParent.status).toBe(404);
        expect((await client.get(`/routes/elsewhere-route/plugins/${plugin.id}`)).status).toBe(404);
        expect((await client.delete(`/routes/elsewhere-route/plugins/${plugin.id}`)).status).toBe(404);
        expect((await client.get(`/plugins/${plugin.id}`)).body.config.model.options.temperature).toBe(0.5);
        const missingParent = await client.get(`/routes/nope/plugins/${plugin.id}`);
        expect(missingParent.status).toBe(404);
        expect(missingParent.body.message).toBe("Not found: no routes entity with name 'nope'");

        // PUT under a parent creates the member there.
        const put = await client.json('PUT', '/services/elsewhere/routes/put-route', { paths: ['/put'] });
        expect(put.status).toBe(200);
        expect(put.body).toMatchObject({ name: 'put-route', service: { id: expect.any(String) } });
        expect((await client.get('/services/elsewhere/routes/put-route')).status).toBe(200);
        expect((await client.delete('/services/elsewhere/routes/put-route')).status).toBe(204);
        expect((await client.get('/routes/put-route')).status).toBe(404);
        expect((await client.delete('/routes/elsewhere-route')).status).toBe(204);
        expect((await client.delete('/services/elsewhere')).status).toBe(204);
      });

      it('creates with PUT by name, then replaces it', async () => {
        const { client } = admin();
        const created = await client.json('PUT', '/services/put-me', { url: 'https://example.com/v1' });
        expect(created.status).toBe(200);
        expect(created.body).toMatchObject({
          name: 'put-me',
          protocol: 'https',
          host: 'example.com',
          port: 443,
          path: '/v1',
        });
        const replaced = await client.json('PUT', '/services/put-me', { host: 'other.example' });
        expect(replaced.body).toMatchObject({
          id: created.body.id,
          host: 'other.example',
          protocol: 'http',
          port: 80,
          path: null,
        });
        expect((await client.delete('/services/put-me')).status).toBe(204);
        expect((await client.get('/services/put-me')).status).toBe(404);
      });

      it('refuses to delete a service its routes still use, until they are gone', async () => {
        const { client } = admin();
        await client.json('POST', '/services', { name: 'busy', host: 'busy.example' });
        await client.json('POST', '/services/busy/routes', { name: 'busy-route', paths: ['/busy'] });
        const refused = await client.delete('/services/busy');
        expect(refused.status).toBe(400);
        expect(refused.body).toMatchObject({
          code: 4,
          name: 'foreign key violation',
          message: "an existing 'routes' entity references this 'services' entity",
          fields: { '@referenced_by': 'routes' },
        });
        expect((await client.delete('/routes/busy-route')).status).toBe(204);
        expect((await client.delete('/services/busy')).status).toBe(204);
      });

      it('pages lists with size and offset, and filters by tags', async () => {
        const { client } = admin();
        for (const index of [1, 2, 3]) {
          await client.form('POST', '/consumers', curlData(`username=pager-${index}`, 'tags[]=pager'));
        }
        const first = await client.get('/consumers?size=2&tags=pager');
        expect(first.body.data).toHaveLength(2);
        expect(first.body.next).toBe(
          `/consumers?offset=${encodeURIComponent(first.body.offset)}&size=2&tags=pager`,
        );
        const second = await client.get(first.body.next);
        expect(second.body.data).toHaveLength(1);
        expect(second.body.next).toBeNull();
        const badSize = await client.get('/consumers?size=5000');
        expect(badSize.status).toBe(400);
        expect(badSize.body.message).toBe('size must be an integer between 1 and 1000');
      });

      it('tells what this node is on GET / and GET /status', async () => {
        const { client } = admin();
        const info = await client.get('/');
        expect(info.body).toMatchObject({
          version: SWITCHYARD_VERSION,
          plugins: { available_on_server: { 'ai-proxy': { priority: 770 } } },
        });
        const status = await client.get('/status');
        expect(status.body).toMatchObject({ database: { reachable: true } });
      });
    });

    describe('bad input: right status, a body that names the field, nothing written', () => {
      const expectNothingWritten = async (write: () => Promise<TestResponse>) => {
        const { store } = admin();
        const version = await store.currentVersion();
        const response = await write();
        expect(await store.currentVersion()).toBe(version);
        return response;
      };

      it('answers malformed JSON with 400', async () => {
        const response = await expectNothingWritten(() =>
          admin().client.send('POST', '/services', '{"name": ', 'application/json'),
        );
        expect(response.status).toBe(400);
        expect(response.body).toEqual({ message: 'Cannot parse JSON body' });
      });

      it('names an unknown field', async () => {
        const response = await expectNothingWritten(() =>
          admin().client.json('POST', '/services', { host: 'x.example', colour: 'red' }),
        );
        expect(response.status).toBe(400);
        expect(response.body).toEqual({
          code: 2,
          name: 'schema violation',
          message: 'schema violation (colour: unknown field)',
          fields: { colour: 'unknown field' },
        });
      });

      it('names fields of the wrong type', async () => {
        const response = await expectNothingWritten(() =>
          admin().client.json('POST', '/services', { host: 'x.example', port: 'eighty', enabled: 'yes' }),
        );
        expect(response.status).toBe(400);
        expect(response.body.fields).toEqual({ port: 'expected an integer', enabled: 'expected a boolean' });
        expect(response.body.message).toBe(
          '2 schema violations (enabled: expected a boolean; port: expected an integer)',
        );
      });

      it('names a form value that is not a number', async () => {
        const response = await expectNothingWritten(() =>
          admin().client.form('POST', '/services', curlData('host=x.example', 'port=abc')),
        );
        expect(response.status).toBe(400);
        expect(response.body.fields).toEqual({ port: 'expected an integer' });
      });

      it('refuses a regex path that does not compile', async () => {
        const response = await expectNothingWritten(() =>
          admin().client.form('POST', '/routes', curlData('name=broken', 'paths[]=~/chat/(unclosed')),
        );
        expect(response.status).toBe(400);
        expect(response.body.fields.paths).toBe(
          "invalid regex: '/chat/(unclosed' (missing closing ): `/chat/(unclosed`)",
        );
      });

      it('refuses a regex path with a lookahead, saying the linear-time engine has none', async () => {
        const response = await expectNothingWritten(() =>
          admin().client.form('POST', '/routes', curlData('name=ahead', 'paths[]=~/chat(?=/completions)')),
        );
        expect(response.status).toBe(400);
        expect(response.body.fields.paths).toBe(
          "invalid regex: '/chat(?=/completions)' (lookahead `(?=` is not supported (user regexes run on RE2, which matches in linear time and has no lookaround, backreferences, atomic groups or possessive quantifiers))",
        );
      });

      it('answers a duplicate name with 409', async () => {
        const response = await expectNothingWritten(() =>
          admin().client.form('POST', '/services', curlData('name=ai-proxy', 'url=http://localhost:32000')),
        );
        expect(response.status).toBe(409);
        expect(response.body).toEqual({
          code: 5,
          name: 'unique constraint violation',
          message: `UNIQUE violation detected on '{name="ai-proxy"}'`,
          fields: { name: 'ai-proxy' },
        });
      });

      it('requires config.model.provider', async () => {
        const response = await expectNothingWritten(() =>
          admin().client.form(
            'POST',
            '/plugins',
            curlData('name=ai-proxy', 'config.route_type=llm/v1/chat', 'config.model.name=gpt-4'),
          ),
        );
        expect(response.status).toBe(400);
        expect(response.body.fields.config.model.provider).toBe('required field missing');
        expect(response.body.message).toContain('config.model: ');
      });

      it('requires azure_instance for azure', async () => {
        const response = await expectNothingWritten(() =>
          admin().client.form(
            'POST',
            '/plugins',
            curlData(
              'name=ai-proxy',
              'config.route_type=llm/v1/chat',
              'config.model.provider=azure',
              'config.model.name=gpt-35-turbo',
              'config.model.options.azure_deployment_id=d',
            ),
          ),
        );
        expect(response.status).toBe(400);
        expect(response.body.fields.config['@entity']).toContain(
          "must set 'model.options.azure_instance' for azure provider",
        );
      });

      it("requires upstream_url for llama2, with Kong's self-hosted message", async () => {
        const response = await expectNothingWritten(() =>
          admin().client.form(
            'POST',
            '/plugins',
            curlData(
              'name=ai-proxy',
              'config.route_type=llm/v1/chat',
              'config.model.provider=llama2',
              'config.model.name=llama-2-7b-chat-hf',
              'config.model.options.llama2_format=raw',
            ),
          ),
        );
        expect(response.status).toBe(400);
        expect(response.body.fields.config['@entity']).toEqual([
          "must set 'model.options.upstream_url' for self-hosted providers/models",
        ]);
      });

      it('names an unknown llama2_format and the formats there are', async () => {
        const response = await expectNothingWritten(() =>
          admin().client.form(
            'POST',
            '/plugins',
            curlData(
              'name=ai-proxy',
              'config.route_type=llm/v1/chat',
              'config.model.provider=llama2',
              'config.model.options.llama2_format=gguf',
              'config.model.options.upstream_url=http://tgi.internal:8080/',
            ),
          ),
        );
        expect(response.status).toBe(400);
        expect(response.body.fields.config.model.options.llama2_format).toBe(
          'expected one of: raw, openai, ollama',
        );
      });

      it('requires mistral_format for mistral, and upstream_url for its ollama format', async () => {
        const mistral = (...options: string[]) =>
          expectNothingWritten(() =>
            admin().client.form(
              'POST',
              '/plugins',
              curlData(
                'name=ai-proxy',
                'config.route_type=llm/v1/chat',
                'config.model.provider=mistral',
                'config.model.name=mistral-small-latest',
                ...options,
              ),
            ),
          );
        const noFormat = await mistral();
        expect(noFormat.status).toBe(400);
        expect(noFormat.body.fields.config['@entity']).toEqual([
          "must set 'model.options.mistral_format' for mistral provider",
        ]);
        const ollama = await mistral('config.model.options.mistral_format=ollama');
        expect(ollama.body.fields.config['@entity']).toEqual([
          "must set 'model.options.upstream_url' for self-hosted providers/models",
        ]);
      });

      it('requires header_value with header_name', async () => {
        const response = await expectNothingWritten(() =>
          admin().client.form(
            'POST',
            '/plugins',
            curlData(
              'name=ai-proxy',
              'config.route_type=llm/v1/chat',
              'config.model.provider=openai',
              'config.auth.header_name=Authorization',
            ),
          ),
        );
        expect(response.status).toBe(400);
        expect(response.body.fields.config['@entity']).toContain(
          "all or none of these fields must be set: 'auth.header_name', 'auth.header_value'",
        );
      });

      it('refuses a native llm_format that the provider or route type cannot serve, saying which combinations work', async () => {
        const plugin = (...fields: string[]) =>
          expectNothingWritten(() =>
            admin().client.form(
              'POST',
              '/plugins',
              curlData('name=ai-proxy', 'config.auth.allow_override=false', ...fields),
            ),
          );
        const cohere = await plugin(
          'config.route_type=llm/v1/chat',
          'config.llm_format=cohere',
          'config.model.provider=huggingface',
        );
        expect(cohere.status).toBe(400);
        const [message] = cohere.body.fields.config['@entity'] as string[];
        expect(message).toMatch(
          /^llm_format 'cohere' cannot be served by huggingface:\/\/llm\/v1\/chat; served: 'openai' /,
        );
        expect(message).toContain("'anthropic' on llm/v1/chat for every provider");
        expect(message).toMatch(
          /'bedrock' on llm\/v1\/chat for bedrock; 'cohere' on llm\/v1\/chat for cohere$/,
        );

        const completions = await plugin(
          'config.route_type=llm/v1/completions',
          'config.llm_format=anthropic',
          'config.model.provider=openai',
        );
        expect(completions.status).toBe(400);
        expect(completions.body.fields.config).toEqual({
          route_type: 'value must be llm/v1/chat',
          '@entity': [
            "native provider options in llm_format can only be used with the 'llm/v1/chat' route_type",
          ],
        });
      });

      it('accepts llm_format anthropic on a chat route for another provider, and shows it back', async () => {
        const created = await admin().client.form(
          'POST',
          '/plugins',
          curlData(
            'name=ai-proxy',
            'config.route_type=llm/v1/chat',
            'config.llm_format=anthropic',
            'config.auth.allow_override=false',
            'config.model.provider=bedrock',
            'config.model.name=anthropic.claude-3-5-haiku-20241022-v1:0',
            'config.model.options.bedrock.aws_region=eu-west-3',
          ),
        );
        expect(created.status, created.text).toBe(201);
        expect(created.body.config).toMatchObject({
          llm_format: 'anthropic',
          model: { provider: 'bedrock' },
        });
        expect((await admin().client.delete(`/plugins/${created.body.id}`)).status).toBe(204);
      });

      it('names an unknown plugin', async () => {
        const response = await expectNothingWritten(() =>
          admin().client.json('POST', '/plugins', { name: 'no-such-plugin' }),
        );
        expect(response.status).toBe(400);
        expect(response.body.fields).toEqual({
          name: "plugin 'no-such-plugin' not enabled; add it to the 'plugins' configuration property",
        });
      });

      it('answers a body over 1 MiB with 413', async () => {
        const response = await expectNothingWritten(() =>
          admin().client.json('POST', '/services', { host: 'x.example', tags: ['x'.repeat(1024 * 1024)] }),
        );
        expect(response.status).toBe(413);
        expect(response.body.message).toMatch(/at most 1 MiB/);
      });

      it('answers a nested path whose service does not exist with 404 naming it', async () => {
        const response = await expectNothingWritten(() =>
          admin().client.form(
            'POST',
            '/services/no-such-service/routes',
            curlData('name=orphan', 'paths[]=/orphan'),
          ),
        );
        expect(response.status).toBe(404);
        expect(response.body).toEqual({
          message: "Not found: no services entity with name 'no-such-service'",
        });
      });

      it('answers a foreign key naming a missing service with 400', async () => {
        const response = await expectNothingWritten(() =>
          admin().client.json('POST', '/routes', { paths: ['/x'], service: { name: 'ghost' } }),
        );
        expect(response.status).toBe(400);
        expect(response.body).toMatchObject({
          code: 4,
          message: `the foreign key '{name="ghost"}' does not reference an existing 'services' entity.`,
          fields: { service: { name: 'ghost' } },
        });
      });

      it('answers an unsupported content type with 415', async () => {
        const response = await expectNothingWritten(() =>
          admin().client.send('POST', '/services', 'host=x', 'text/plain'),
        );
        expect(response.status).toBe(415);
        expect(response.body.message).toMatch(/Unsupported Content-Type 'text\/plain'/);
      });

      it('answers a method a collection does not have with 405', async () => {
        const response = await admin().client.delete('/services');
        expect(response.status).toBe(405);
        expect(response.body).toEqual({ message: 'Method not allowed' });
      });

      it('answers a route without any matching criteria with the entity check', async () => {
        const response = await expectNothingWritten(() =>
          admin().client.json('POST', '/routes', { name: 'nothing' }),
        );
        expect(response.status).toBe(400);
        expect(response.body.fields).toEqual({
          '@entity': ["must set one of 'methods', 'hosts', 'headers', 'paths' when 'protocols' is 'http'"],
        });
      });
    });
  });
}

describeAdminApi(
  'SQLite',
  startInProcessAdmin(() => openConfigStore({ dataDir: 'memory://' })),
);

let database: TestDatabase;
describeAdminApi(
  'PostgreSQL',
  startInProcessAdmin(
    async () => {
      database = await createTestDatabase('admin');
      return openConfigStore({ databaseUrl: database.url, dataDir: '' });
    },
    () => database.drop(),
  ),
);
