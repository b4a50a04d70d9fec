import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyInstance } from 'fastify';

/** The header Kong's Admin API reads its RBAC token from; `Authorization: Bearer` works too. */
export const ADMIN_TOKEN_HEADER = 'kong-admin-token';

const UNAUTHORIZED = {
  message: `Unauthorized: send the admin token as 'Kong-Admin-Token: <token>' or 'Authorization: Bearer <token>'`,
};

/**
 * Who may use the Admin API. A browser request from another web origin is refused (403) whatever
 * it carries: a page an operator visits must not be able to change the gateway. With a `token`,
 * every other request must present it (401 otherwise), compared in constant time. Runs on
 * `onRequest`, before any body is read.
 */
export function guardAdminAccess(fastify: FastifyInstance, token: string | undefined): void {
  const expected = token === undefined ? null : digest(token);
  fastify.addHook('onRequest', (request, reply, done) => {
    const refusal = crossOriginRefusal(request.headers);
    if (refusal) {
      void reply.code(403).send({ message: refusal });
      return;
    }
    if (expected && !presentsToken(request.headers, expected)) {
      void reply.code(401).header('www-authenticate', 'Bearer').send(UNAUTHORIZED);
      return;
    }
    done();
  });
}

/**
 * Why a request is a cross-origin browser request, or undefined. Browsers send `Origin` on
 * cross-origin requests (and on same-origin writes) and `Sec-Fetch-Site`; clients such as curl
 * send neither, and are not browsers a page can drive.
 */
export function crossOriginRefusal(headers: IncomingHttpHeaders): string | undefined {
  if (headers['sec-fetch-site'] === 'cross-site') {
    return 'Forbidden: cross-site browser requests are refused (Sec-Fetch-Site: cross-site)';
  }
  const origin = headers.origin;
  if (origin === undefined) return undefined;
  const originHost = hostOf(origin);
  if (originHost !== undefined && originHost === hostOf(`http://${headers.host ?? ''}`)) return undefined;
  return `Forbidden: cross-origin requests are refused (Origin '${origin}' is not this Admin API's origin)`;
}

/** `host[:port]` of a URL, the default port left out, or undefined when it is not one (`null`). */
function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host || undefined;
  } catch {
    return undefined;
  }
}

function presentsToken(headers: IncomingHttpHeaders, expected: Buffer): boolean {
  const header = headers[ADMIN_TOKEN_HEADER];
  const bearer = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(headers.authorization ?? '')?.[1];
  const given = typeof header === 'string' ? header : bearer;
  // Digests have a fixed length, so the comparison's time says nothing about the token.
  return given !== undefined && timingSafeEqual(digest(given), expected);
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
