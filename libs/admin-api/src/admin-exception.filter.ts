import {
  Catch,
  HttpException,
  Logger,
  NotFoundException,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import { ENTITY_NAMES, KongDbError, StoreUnavailableError } from '@switchyard/config';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { NESTED_COLLECTIONS } from './admin-entities.service.js';

/** The paths the Admin API serves, whatever the method: anything else is a 404, these a 405. */
function isAdminResource(path: string): boolean {
  const segments = path.split('?')[0]!.split('/').filter(Boolean);
  const isCollection = (name: string | undefined) => (ENTITY_NAMES as readonly string[]).includes(name ?? '');
  if (segments.length === 0 || (segments.length === 1 && segments[0] === 'status')) return true;
  if (segments[0] === 'clustering') return segments.length === 2 && segments[1] === 'data-planes';
  if (segments[0] === 'key-auths') return segments.length <= 2;
  if (segments[0] === 'consumers' && segments[2] === 'key-auth') return segments.length <= 4;
  if (segments.length <= 2) return isCollection(segments[0]);
  return segments.length === 3 && (NESTED_COLLECTIONS[segments[0]!]?.includes(segments[2] as never) ?? false);
}

/** Seconds a client is asked to wait (`Retry-After`) before retrying while the config store is unreachable. */
export const STORE_RETRY_AFTER_SECONDS = 5;

/** The status, body and extra headers Kong's Admin API would answer an error with. */
export function adminErrorResponse(
  error: unknown,
  request: { method: string; url: string },
): { status: number; body: object; headers?: Record<string, string> } {
  if (error instanceof KongDbError) return { status: error.status, body: error.toBody() };
  if (error instanceof StoreUnavailableError) {
    return {
      status: 503,
      body: { message: error.message },
      headers: { 'Retry-After': String(STORE_RETRY_AFTER_SECONDS) },
    };
  }
  // Nest's router answers an unrouted method with a 404; Kong says 405 for a path it serves.
  if (error instanceof NotFoundException && error.message.startsWith('Cannot ')) {
    return isAdminResource(request.url)
      ? { status: 405, body: { message: 'Method not allowed' } }
      : { status: 404, body: { message: 'Not found' } };
  }
  // Nest hands Fastify's own errors over as an HttpException caused by them.
  const fastifyError = error instanceof HttpException ? error.cause : error;
  if ((fastifyError as { code?: unknown } | undefined)?.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return {
      status: 413,
      body: { message: 'Request body is too large: the Admin API accepts at most 1 MiB' },
    };
  }
  // HttpException from Nest, AdminHttpError, and Fastify's own errors all carry a 4xx status.
  const status =
    error instanceof HttpException ? error.getStatus() : (error as { statusCode?: unknown }).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { status, body: { message: (error as Error).message } };
  }
  return { status: 500, body: { message: 'An unexpected error occurred' } };
}

/**
 * Answers every Admin API error in Kong's shape; an unreachable config store is a 503 with
 * `Retry-After`, unexpected errors are logged and become a 500.
 */
@Catch()
export class AdminExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('AdminApi');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const { status, body, headers } = adminErrorResponse(error, http.getRequest<FastifyRequest>());
    // An outage is reported once per request in a line, not as a stack: it is no bug of ours.
    if (error instanceof StoreUnavailableError) this.logger.warn(error.message);
    else if (status >= 500)
      this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    void http
      .getResponse<FastifyReply>()
      .status(status)
      .headers(headers ?? {})
      .send(body);
  }
}
