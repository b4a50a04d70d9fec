import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AdminApiModule } from './admin-api.module.js';
import { traceAdminRequests } from './admin-tracing.js';
import { ADMIN_BODY_LIMIT, registerKongBodyParsers } from './request-body.js';
import type { AdminApiOptions } from './admin-api.options.js';

/**
 * Builds the Admin API application (not yet listening): Nest on Fastify, Kong's body parsers,
 * a 1 MiB body limit, Kong-shaped errors, and a span per request when `options.tracer` is set.
 * The caller listens and closes it.
 */
export async function createAdminApp(options: AdminApiOptions): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    AdminApiModule.forRoot(options),
    new FastifyAdapter({ bodyLimit: ADMIN_BODY_LIMIT }),
    { bodyParser: false, logger: ['error', 'warn'] },
  );
  const fastify = app.getHttpAdapter().getInstance();
  if (options.tracer) traceAdminRequests(fastify, options.tracer);
  await registerKongBodyParsers(fastify);
  return app;
}
