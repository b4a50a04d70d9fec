import { RegexSyntaxError } from '@switchyard/safe-regex';
import {
  ROUTE_TYPES,
  type EntityCheck,
  type ProviderRegistry,
  type RecordField,
  type SchemaField,
} from '@switchyard/plugin-api';
import { llmSchemaParts } from '../config/llm-config.schema.js';
import { compileExtractPattern } from './extract-pattern.js';

/** What each transformer plugin says of itself in its schema. */
export interface LlmTransformerSchemaText {
  /** The plugin's description. */
  readonly description: string;
  /** `prompt`'s description (Kong's, which names the request or the response). */
  readonly prompt: string;
  /** `transformation_extract_pattern`'s description (Kong's, idem). */
  readonly extractPattern: string;
}

/** Kong's `typedefs.host`: a host name or an IP address. */
const proxyHost = (scheme: 'http' | 'https'): SchemaField => ({
  type: 'string',
  host: true,
  description: `A host name or an IP address: the forward proxy that calls to \`${scheme}://\` model URLs go through (with \`${scheme}_proxy_port\`).`,
});

/** Kong's `typedefs.port`: 0 to 65535. */
const proxyPort = (scheme: 'http' | 'https'): SchemaField => ({
  type: 'integer',
  between: [0, 65535],
  description: `The port of \`${scheme}_proxy_host\`, an integer from 0 to 65535.`,
});

/**
 * Kong declares this on the plugin entity (`config.llm.route_type` with `not_one_of`); declared on
 * `config` here it is reported under `config` (its message is Kong's).
 */
const chatOnly: EntityCheck = {
  conditional: {
    if_field: 'llm.route_type',
    if_match: { one_of: ROUTE_TYPES.filter((routeType) => routeType !== 'llm/v1/chat') },
    then_field: 'llm.route_type',
    then_match: { eq: 'llm/v1/chat' },
    then_err: "'config.llm.route_type' must be 'llm/v1/chat' for AI transformer plugins",
  },
};

/** The pattern must compile for RE2 with Kong's flags, or the Admin API refuses the config. */
const extractPatternCompiles: EntityCheck = {
  field_sources: ['transformation_extract_pattern'],
  custom: (config) => {
    const pattern = config.transformation_extract_pattern;
    // Kong runs a custom check with a null field too: no pattern, nothing to compile.
    if (typeof pattern !== 'string') return undefined;
    try {
      compileExtractPattern(pattern);
      return undefined;
    } catch (error) {
      if (error instanceof RegexSyntaxError) return `transformation_extract_pattern: ${error.message}`;
      throw error;
    }
  },
};

/**
 * The `config` schema of Kong's AI transformer plugins (`kong/plugins/ai-request-transformer/schema.lua`
 * and its response twin): the same fields, defaults, bounds and entity checks, with Kong's
 * messages, the model in an `llm` record of the shared `llm` schema (any provider of this
 * gateway, from `providers`). `extraFields` (the response transformer's
 * `parse_llm_response_json_instructions`) come after the extract pattern, as in Kong.
 */
export function llmTransformerSchema(
  providers: ProviderRegistry,
  text: LlmTransformerSchemaText,
  extraFields: Readonly<Record<string, SchemaField>> = {},
): RecordField {
  const llm = llmSchemaParts(providers);
  return {
    type: 'record',
    description: text.description,
    fields: {
      prompt: { type: 'string', required: true, description: text.prompt },
      transformation_extract_pattern: { type: 'string', description: text.extractPattern },
      ...extraFields,
      http_timeout: {
        type: 'integer',
        required: true,
        default: 60000,
        gt: 0,
        description:
          'Timeout in milliseconds for the AI upstream service: the longest one call may take, from connecting to the last byte of the answer.',
      },
      https_verify: {
        type: 'boolean',
        required: true,
        default: true,
        description: 'Verify the TLS certificate of the AI upstream service.',
      },
      max_request_body_size: {
        type: 'integer',
        default: 8192,
        gt: 0,
        description: 'Largest request body, in bytes, that the plugin takes (larger ones get a 413).',
      },
      http_proxy_host: proxyHost('http'),
      http_proxy_port: proxyPort('http'),
      https_proxy_host: proxyHost('https'),
      https_proxy_port: proxyPort('https'),
      llm: {
        type: 'record',
        required: true,
        description: 'The model that transforms the body: the same `llm` record as `ai-proxy`’s.',
        fields: llm.fields,
        entity_checks: llm.checks,
      },
    },
    entity_checks: [
      chatOnly,
      { mutually_required: ['http_proxy_host', 'http_proxy_port'] },
      { mutually_required: ['https_proxy_host', 'https_proxy_port'] },
      extractPatternCompiles,
    ],
  };
}
