import { GatewayError } from '@switchyard/plugin-api';
import { isPrintableAscii } from './printable-ascii.js';

/**
 * Where the value of a `$(...)` template ends up on the upstream request, which decides what a
 * value read from the client (a header, a URI capture, a query parameter) may hold there.
 */
export type TemplateLanding =
  /** One label of the upstream's host name (`{azure_instance}.openai.azure.com`): a DNS label. */
  | 'host-label'
  /** One segment of the upstream path, placed by the driver: unreserved characters, never `.` or `..`. */
  | 'path-segment'
  /** A header value, or a name the gateway compares or sends as is: printable ASCII. */
  | 'printable'
  /** A query parameter value, set through `URLSearchParams` (which encodes it): anything. */
  | 'query-value'
  /** A URL written in the config (`upstream_url`): each template by its place in that URL. */
  | 'url'
  /** A path written in the config (`upstream_path`): each value percent-encoded, never `.` or `..`. */
  | 'url-path';

/** Where each string of `config.model.options` lands (nested records by their own keys). */
type LandingTable = { readonly [key: string]: TemplateLanding | LandingTable };

const OPTION_LANDINGS: LandingTable = {
  anthropic_version: 'printable',
  azure_instance: 'host-label',
  azure_api_version: 'query-value',
  azure_deployment_id: 'path-segment',
  llama2_format: 'printable',
  mistral_format: 'printable',
  upstream_url: 'url',
  upstream_path: 'url-path',
  gemini: { api_endpoint: 'host-label', project_id: 'path-segment', location_id: 'path-segment' },
  bedrock: { aws_region: 'host-label' },
};

/** `model.name` goes into the body's `model` and the `X-Kong-LLM-Model` header. */
export const MODEL_NAME_LANDING: TemplateLanding = 'printable';

/**
 * The landing of the option at `path` under `model.options` (`['azure_instance']`,
 * `['gemini', 'project_id']`). The schema admits no other options; an unknown one is held to
 * the printable rule.
 */
export function optionLanding(path: readonly string[]): TemplateLanding {
  let entry: TemplateLanding | LandingTable | undefined = OPTION_LANDINGS;
  for (const key of path)
    entry = typeof entry === 'object' && Object.hasOwn(entry, key) ? entry[key] : undefined;
  return typeof entry === 'string' ? entry : 'printable';
}

/** The template a value came from, for the client's error message. */
export interface TemplateSource {
  /** The config field, `model.options.azure_instance`. */
  readonly field: string;
  /** What is inside `$(...)`, `uri_captures.inst`. */
  readonly expression: string;
}

/** Checks one resolved value against its landing; returns what goes there (maybe percent-encoded) or throws a 400. */
export type ValueGuard = (value: string, source: TemplateSource) => string;

function refuse(source: TemplateSource, reason: string): never {
  throw new GatewayError(400, `${source.field}: the value of $(${source.expression}) ${reason}`);
}

const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;
const UNRESERVED = /^[A-Za-z0-9._~-]+$/;
const isDotSegment = (value: string) => value === '.' || value === '..';

const hostLabel: ValueGuard = (value, source) =>
  DNS_LABEL.test(value)
    ? value
    : refuse(
        source,
        "cannot be part of a host name; it must be a DNS label: 1 to 63 letters, digits and '-' (not first or last)",
      );

const pathSegment: ValueGuard = (value, source) =>
  UNRESERVED.test(value) && !isDotSegment(value)
    ? value
    : refuse(
        source,
        "cannot be a URL path segment; it must be letters, digits, '-', '.', '_' or '~', and not '.' or '..'",
      );

const printable: ValueGuard = (value, source) =>
  isPrintableAscii(value)
    ? value
    : refuse(
        source,
        'may only hold printable ASCII characters (no CR, LF, NUL, other control characters or non-ASCII text)',
      );

const asIs: ValueGuard = (value) => value;

const encodedPathPart: ValueGuard = (value, source) =>
  isDotSegment(value)
    ? refuse(source, "cannot be '.' or '..' in a URL path; it would move the request to another path")
    : encodeURIComponent(value);

const encodedComponent: ValueGuard = (value) => encodeURIComponent(value);

const inScheme: ValueGuard = (_value, source) =>
  refuse(
    source,
    'cannot stand in the scheme of a URL; a template may fill a host label, the path or the query',
  );

/** Where in a URL a template stands, from the literal text before it. */
function urlPlaceGuard(literalBefore: string): ValueGuard {
  const schemeEnd = literalBefore.indexOf('://');
  if (schemeEnd === -1) return inScheme;
  const afterScheme = literalBefore.slice(schemeEnd + 3);
  if (afterScheme.includes('?') || afterScheme.includes('#')) return encodedComponent;
  // Everything up to the first `/` is the authority: host, port (and user info), all label-safe.
  return afterScheme.includes('/') ? encodedPathPart : hostLabel;
}

const GUARDS: Readonly<Record<Exclude<TemplateLanding, 'url'>, ValueGuard>> = {
  'host-label': hostLabel,
  'path-segment': pathSegment,
  printable,
  'query-value': asIs,
  'url-path': encodedPathPart,
};

/**
 * The guard of a template that lands at `landing`; in a `url`, `literalBefore` (the configured
 * text before the template) tells its place: a host label, a path segment or a query value.
 */
export function valueGuard(landing: TemplateLanding, literalBefore: string): ValueGuard {
  return landing === 'url' ? urlPlaceGuard(literalBefore) : GUARDS[landing];
}
