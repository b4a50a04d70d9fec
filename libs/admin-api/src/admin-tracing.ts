import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { ENTITY_NAMES } from '@switchyard/config';
import type { FastifyInstance, FastifyRequest } from 'fastify';

const REQUEST_SPAN = Symbol('admin-request-span');
const COLLECTIONS: ReadonlySet<string> = new Set(ENTITY_NAMES);

/**
 * The route template with its collection names filled in (`/services/:parentKey/routes` rather
 * than `/:parent/:parentKey/:collection`): as few distinct values, and far more telling.
 */
function routeOf(request: FastifyRequest): string | undefined {
  const template = request.routeOptions.url;
  if (!template) return undefined;
  const params = request.params as Record<string, string | undefined>;
  return template.replace(/:(collection|parent)\b/g, (placeholder, name: string) => {
    const value = params[name];
    return value !== undefined && COLLECTIONS.has(value) ? value : placeholder;
  });
}
type TracedRequest = FastifyRequest & { [REQUEST_SPAN]?: { span: Span; context: Context } };

/**
 * The request's path for `url.path`, without a key-auth key it may address a credential by
 * (`/key-auths/{key}`): the last segment is then `:credential`. A span never holds a secret.
 */
function tracedPath(request: FastifyRequest): string {
  const path = request.url.split('?', 1)[0]!;
  const credential = (request.params as Record<string, string | undefined> | undefined)?.['credential'];
  return credential === undefined ? path : `${path.slice(0, path.lastIndexOf('/') + 1)}:credential`;
}

/**
 * Traces every Admin API request: a server span continuing the caller's W3C `traceparent`, named
 * `{method} {route}` (`POST /services/:parentKey/routes`). The handler runs inside the span's
 * context, so the store's write span, and through the version it writes, config-sync's publish
 * and every proxy's swap, join the same trace.
 */
export function traceAdminRequests(fastify: FastifyInstance, tracer: Tracer): void {
  fastify.addHook('onRequest', (request: TracedRequest, _reply, done) => {
    const parent = propagation.extract(ROOT_CONTEXT, request.headers);
    const span = tracer.startSpan(
      request.method,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': request.method,
          'url.path': tracedPath(request),
          'url.scheme': request.protocol,
          'client.address': request.ip,
        },
      },
      parent,
    );
    request[REQUEST_SPAN] = { span, context: trace.setSpan(parent, span) };
    done();
  });

  // Entered once the body is read: what runs from here (the handler) is in the span's context.
  fastify.addHook('preHandler', (request: TracedRequest, _reply, done) => {
    const traced = request[REQUEST_SPAN];
    if (traced) context.with(traced.context, done);
    else done();
  });

  fastify.addHook('onResponse', (request: TracedRequest, reply, done) => {
    const traced = request[REQUEST_SPAN];
    if (traced) {
      const { span } = traced;
      const route = routeOf(request);
      if (route) {
        span.updateName(`${request.method} ${route}`);
        span.setAttribute('http.route', route);
      }
      span.setAttribute('http.response.status_code', reply.statusCode);
      if (reply.statusCode >= 500) {
        span.setAttribute('error.type', String(reply.statusCode));
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
      span.end();
    }
    done();
  });
}
