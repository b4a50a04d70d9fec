import { findKeyProblem, findTextProblem } from '@switchyard/config';
import type { FastifyInstance } from 'fastify';
import { AdminHttpError } from './admin-http.error.js';

/**
 * Refuses a request whose URL path segments or query parameters hold text the store cannot take
 * (NUL, an unpaired surrogate, longer than `INPUT_LIMITS.maxStringLength`): 400 naming where,
 * before any lookup reaches the store with it (`GET /services/%00`).
 */
export function refuseMalformedRequestTargets(fastify: FastifyInstance): void {
  fastify.addHook('preValidation', (request, _reply, done) => {
    done(requestTargetProblem(request.params, request.query));
  });
}

function requestTargetProblem(params: unknown, query: unknown): AdminHttpError | undefined {
  for (const value of Object.values((params ?? {}) as Record<string, string>)) {
    const problem = findTextProblem(value);
    if (problem) return new AdminHttpError(400, `invalid URL path: ${problem}`);
  }
  for (const [name, value] of Object.entries((query ?? {}) as Record<string, string | string[]>)) {
    const problem =
      findKeyProblem(name) ??
      [value]
        .flat()
        .map(findTextProblem)
        .find((found) => found !== undefined);
    if (problem) return new AdminHttpError(400, `invalid query parameter '${name}': ${problem}`);
  }
  return undefined;
}
