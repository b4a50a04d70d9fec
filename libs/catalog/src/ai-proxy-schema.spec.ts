import { PROVIDER_IDS, ROUTE_TYPES, type RecordField, type SchemaField } from '@switchyard/plugin-api';
import { describe, expect, it } from 'vitest';
import { PLUGIN_DEFINITIONS } from './index.js';

/** The ai-proxy schema as this build serves it: Kong's fields, with the registered providers' option slices. */
const aiProxySchema = PLUGIN_DEFINITIONS.find((plugin) => plugin.name === 'ai-proxy')!.schema;

function fieldsOf(record: RecordField, prefix = ''): [string, SchemaField][] {
  return Object.entries(record.fields).flatMap(([name, field]): [string, SchemaField][] => [
    [`${prefix}${name}`, field],
    ...(field.type === 'record' ? fieldsOf(field, `${prefix}${name}.`) : []),
  ]);
}

function fieldAt(path: string): SchemaField {
  const found = fieldsOf(aiProxySchema).find(([name]) => name === path);
  if (!found) throw new Error(`no field ${path}`);
  return found[1];
}

describe('the ai-proxy plugin', () => {
  it("registers as Kong's ai-proxy, priority 770", () => {
    expect(PLUGIN_DEFINITIONS.find((plugin) => plugin.name === 'ai-proxy')).toMatchObject({
      name: 'ai-proxy',
      priority: 770,
    });
  });
});

describe('aiProxySchema', () => {
  it('describes every field', () => {
    const undocumented = fieldsOf(aiProxySchema)
      .filter(([, field]) => field.description.trim().length < 10)
      .map(([name]) => name);
    expect(undocumented).toEqual([]);
  });

  it("has Kong's top-level fields, in Kong's order", () => {
    expect(Object.keys(aiProxySchema.fields)).toEqual([
      'route_type',
      'auth',
      'model',
      'logging',
      'response_streaming',
      'max_request_body_size',
      'model_name_header',
      'llm_format',
    ]);
  });

  it("uses the gateway's provider and route type lists for Kong's enums", () => {
    expect(fieldAt('model.provider')).toMatchObject({ required: true, one_of: PROVIDER_IDS });
    expect(fieldAt('route_type')).toMatchObject({ required: true, one_of: ROUTE_TYPES });
  });

  it("carries Kong's defaults", () => {
    const defaults = Object.fromEntries(
      fieldsOf(aiProxySchema)
        .filter(([, field]) => 'default' in field && field.default !== undefined)
        .map(([name, field]) => [name, (field as { default: unknown }).default]),
    );
    expect(defaults).toEqual({
      'auth.gcp_use_service_account': false,
      'auth.allow_override': false,
      'model.options.azure_api_version': '2023-05-15',
      'logging.log_statistics': false,
      'logging.log_payloads': false,
      response_streaming: 'allow',
      max_request_body_size: 8192,
      model_name_header: true,
      llm_format: 'openai',
    });
  });

  it('marks the credentials as referenceable and the secrets as encrypted', () => {
    const secrets = [
      'auth.header_value',
      'auth.param_value',
      'auth.aws_access_key_id',
      'auth.aws_secret_access_key',
    ];
    for (const path of secrets) expect(fieldAt(path)).toMatchObject({ referenceable: true, encrypted: true });
    for (const path of ['auth.header_name', 'auth.param_name', 'auth.gcp_service_account_json']) {
      expect(fieldAt(path)).toMatchObject({ referenceable: true });
    }
  });
});
