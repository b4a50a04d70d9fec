import { GatewayError } from '@switchyard/plugin-api';
import type { ModelOptions, RequestContext } from '@switchyard/plugin-api';
import type { LlmModelConfig } from '../config/llm-config.js';
import {
  MODEL_NAME_LANDING,
  optionLanding,
  valueGuard,
  type TemplateLanding,
  type ValueGuard,
} from './template-landing.js';

/** The model name and options of one request, once `$(...)` templates are resolved. */
export interface ModelFields {
  /** `undefined` when neither configured nor templated. */
  readonly name: string | undefined;
  readonly options: ModelOptions;
}

/**
 * `config.model` compiled once per plugin entity: every `$(source.key)` template in `name` and
 * in the string options is parsed up front, and `resolve` fills them from one request. Each
 * template knows where its value lands (`TemplateLanding`): a value the client chose is checked,
 * or percent-encoded, for that place, so that it can never change the upstream's origin or
 * climb out of its path segment, nor break a header.
 */
export interface ModelTemplate {
  /**
   * Throws `GatewayError` 400 with Kong's message when a template cannot be filled, and one
   * naming the field and the template when its value may not stand where it lands.
   */
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

function compileExpression(expression: string, field: string, guard: ValueGuard): Lookup {
  // Kong's `merge_model_options`: exactly `<source>.<key>`.
  const parts = expression.split('.');
  if (parts.length !== 2) return () => fail(`cannot parse expression for field '${field}'`);
  const [source, key] = parts as [string, string];
  const lookup = SOURCES.get(source);
  if (!lookup) return () => fail(`source '${source}' is not supported`);
  const read = lookup(key);
  const origin = { field, expression };
  return (ctx) => guard(read(ctx) ?? fail(`${source} key ${key} was not provided`), origin);
}

/** A string with templates, or `undefined` when it has none (it is used as is). */
function compileString(value: string, field: string, landing: TemplateLanding): CompiledString | undefined {
  const pieces: Piece[] = [];
  let literal = '';
  let last = 0;
  for (const match of value.matchAll(TEMPLATE)) {
    if (match.index > last) {
      pieces.push(value.slice(last, match.index));
      literal += value.slice(last, match.index);
    }
    pieces.push(compileExpression(match[1] ?? '', field, valueGuard(landing, literal)));
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

/** Resolvers for the templated options in `record` (nested records included), at `path` under `model.options`. */
function compileOptions(record: Readonly<Record<string, unknown>>, path: readonly string[]): Resolver[] {
  const resolvers: Resolver[] = [];
  for (const [key, value] of Object.entries(record)) {
    const keyPath = [...path, key];
    if (typeof value === 'string') {
      const field = ['model.options', ...keyPath].join('.');
      const compiled = compileString(value, field, optionLanding(keyPath));
      if (compiled) resolvers.push((ctx, into) => (into[key] = compiled(ctx)));
    } else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const nested = compileOptions(value as Record<string, unknown>, keyPath);
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
  const name =
    configuredName === undefined
      ? undefined
      : compileString(configuredName, 'model.name', MODEL_NAME_LANDING);
  const optionResolvers = compileOptions(options as Readonly<Record<string, unknown>>, []);

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
