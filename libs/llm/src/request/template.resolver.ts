import { GatewayError } from '@switchyard/plugin-api';
import type { ModelOptions, RequestContext } from '@switchyard/plugin-api';
import type { LlmModelConfig } from '../config/llm-config.js';

/** The model name and options of one request, once `$(...)` templates are resolved. */
export interface ModelFields {
  /** `undefined` when neither configured nor templated. */
  readonly name: string | undefined;
  readonly options: ModelOptions;
}

/**
 * `config.model` compiled once per plugin entity: every `$(source.key)` template in `name` and
 * in the string options is parsed up front, and `resolve` fills them from one request.
 */
export interface ModelTemplate {
  /** Throws `GatewayError` 400 with Kong's message when a template cannot be filled. */
  resolve(ctx: RequestContext): ModelFields;
}

type Lookup = (ctx: RequestContext) => string | undefined;
/** One compiled string: literal text or a lookup, in order. */
type Piece = string | Lookup;
type CompiledString = (ctx: RequestContext) => string;

const TEMPLATE = /\$\((.*?)\)/g;

function stringOf(value: unknown): string | undefined {
  if (Array.isArray(value)) return stringOf(value[0]);
  return typeof value === 'string' ? value : undefined;
}

function headerOf(ctx: RequestContext, key: string): string | undefined {
  // Kong's `kong.request.get_header`: case-insensitive, and `_` may stand for `-`.
  const lower = key.toLowerCase();
  const { headers } = ctx.request;
  return stringOf(Object.hasOwn(headers, lower) ? headers[lower] : headers[lower.replaceAll('_', '-')]);
}

const SOURCES = new Map<string, (key: string) => Lookup>([
  ['headers', (key) => (ctx) => headerOf(ctx, key)],
  [
    'uri_captures',
    (key) => (ctx) => (Object.hasOwn(ctx.uriCaptures, key) ? stringOf(ctx.uriCaptures[key]) : undefined),
  ],
  ['query_params', (key) => (ctx) => ctx.request.query.get(key) ?? undefined],
]);

function fail(message: string): never {
  throw new GatewayError(400, message);
}

function compileExpression(expression: string, field: string): Lookup {
  // Kong's `merge_model_options`: exactly `<source>.<key>`.
  const parts = expression.split('.');
  if (parts.length !== 2) return () => fail(`cannot parse expression for field '${field}'`);
  const [source, key] = parts as [string, string];
  const lookup = SOURCES.get(source);
  if (!lookup) return () => fail(`source '${source}' is not supported`);
  const read = lookup(key);
  return (ctx) => read(ctx) ?? fail(`${source} key ${key} was not provided`);
}

/** A string with templates, or `undefined` when it has none (it is used as is). */
function compileString(value: string, field: string): CompiledString | undefined {
  const pieces: Piece[] = [];
  let last = 0;
  for (const match of value.matchAll(TEMPLATE)) {
    if (match.index > last) pieces.push(value.slice(last, match.index));
    pieces.push(compileExpression(match[1] ?? '', field));
    last = match.index + match[0].length;
  }
  if (pieces.length === 0) return undefined;
  if (last < value.length) pieces.push(value.slice(last));
  return (ctx) => {
    let resolved = '';
    for (const piece of pieces) resolved += typeof piece === 'string' ? piece : piece(ctx);
    return resolved;
  };
}

type Resolver = (ctx: RequestContext, into: Record<string, unknown>) => void;

/** Resolvers for the templated strings of `record` (one level of nested records included). */
function compileRecord(record: Readonly<Record<string, unknown>>, path: string): Resolver[] {
  const resolvers: Resolver[] = [];
  for (const [key, value] of Object.entries(record)) {
    if (typeof value === 'string') {
      const compiled = compileString(value, `${path}.${key}`);
      if (compiled) resolvers.push((ctx, into) => (into[key] = compiled(ctx)));
    } else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const nested = compileRecord(value as Record<string, unknown>, `${path}.${key}`);
      if (nested.length > 0) {
        resolvers.push((ctx, into) => {
          const copy = { ...(value as Record<string, unknown>) };
          for (const resolve of nested) resolve(ctx, copy);
          into[key] = copy;
        });
      }
    }
  }
  return resolvers;
}

/**
 * Compiles `config.model`'s templates (Kong's `merge_model_options`, resolved per request).
 * Each `$(...)` is replaced where it stands, so `prefix-$(headers.x)` keeps its prefix.
 */
export function compileModelTemplate(model: LlmModelConfig): ModelTemplate {
  const options: ModelOptions = model.options ?? {};
  const configuredName = model.name ?? undefined;
  const name = configuredName === undefined ? undefined : compileString(configuredName, 'model.name');
  const optionResolvers = compileRecord(options as Readonly<Record<string, unknown>>, 'model.options');

  // Most configs have no templates: every request then shares one precomputed answer.
  if (!name && optionResolvers.length === 0) {
    const fixed: ModelFields = { name: configuredName, options };
    return { resolve: () => fixed };
  }
  return {
    resolve(ctx) {
      const resolvedName = name ? name(ctx) : configuredName;
      if (optionResolvers.length === 0) return { name: resolvedName, options };
      const resolvedOptions: Record<string, unknown> = { ...options };
      for (const resolve of optionResolvers) resolve(ctx, resolvedOptions);
      return { name: resolvedName, options: resolvedOptions as ModelOptions };
    },
  };
}
