import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { guardAdminAccess } from './admin-access.js';
import { AdminApiModule } from './admin-api.module.js';
import { traceAdminRequests } from './admin-tracing.js';
import { ADMIN_BODY_LIMIT, registerKongBodyParsers } from './request-body.js';
import { refuseMalformedRequestTargets } from './request-target.js';
import type { AdminApiOptions, AdminListenerOptions } from './admin-api.options.js';

/**
 * Builds the Admin API application (not yet listening): Nest on Fastify, the access guard
 * (cross-origin refusal, the token), Kong's body parsers, a 1 MiB body limit, the slow-client
 * timeouts, Kong-shaped errors, and a span per request when `options.tracer` is set.
 * The caller listens and closes it.
 */
export async function createAdminApp(options: AdminApiOptions): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    AdminApiModule.forRoot(options),
    new FastifyAdapter({
      bodyLimit: ADMIN_BODY_LIMIT,
      ...(options.listener && listenerTimeouts(options.listener)),
      // Errors Fastify raises before routing (a malformed percent-encoding) in Kong's shape.
      frameworkErrors: (error: Error, _request: FastifyRequest, reply: FastifyReply) =>
        void reply.code(400).send({ message: error.message }),
    }),
    { bodyParser: false, logger: ['error', 'warn'] },
  );
  const fastify = app.getHttpAdapter().getInstance();
  if (options.tracer) traceAdminRequests(fastify, options.tracer);
  guardAdminAccess(fastify, options.listener?.token);
  refuseMalformedRequestTargets(fastify);
  await registerKongBodyParsers(fastify);
  return app;
}

/**
 * Fastify's timeouts, and Node's check of them every second (its default, 30 s, would let a
 * slow client hold a connection that long past its deadline).
 */
function listenerTimeouts(listener: AdminListenerOptions) {
  return {
    requestTimeout: listener.requestTimeoutMs,
    connectionTimeout: listener.connectionTimeoutMs,
    keepAliveTimeout: listener.keepAliveTimeoutMs,
    http: {
      requestTimeout: listener.requestTimeoutMs,
      headersTimeout: listener.requestTimeoutMs,
      connectionsCheckingInterval: Math.min(1_000, listener.requestTimeoutMs),
    },
  };
}
