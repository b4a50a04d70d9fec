import { mkdtempSync, rmSync } from 'node:fs';
import { request, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConfigStore } from '@switchyard/config';
import {
  AdminClient,
  appEntry,
  freePort,
  spawnAppProcess,
  startAppProcess,
  type AppProcess,
} from '@switchyard/testing';
import { startInProcessAdmin } from './in-process-admin.js';

const TOKEN = 'correct-horse-battery-staple';

interface RawResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: { message?: string };
}

/** One request with exactly these headers (`fetch` would add its own, and refuses some). */
function rawRequest(
  url: string,
  method: string,
  headers: Record<string, string>,
  body?: string,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () =>
        resolve({ status: res.statusCode!, headers: res.headers, body: text ? JSON.parse(text) : {} }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('Admin API access (issue 10, finding 15)', () => {
  describe('cross-origin browser requests', () => {
    const admin = startInProcessAdmin(() => openConfigStore({ dataDir: 'memory://' }));
    const post = (headers: Record<string, string>, name: string) =>
      rawRequest(
        `${admin().client.baseUrl}/consumers`,
        'POST',
        { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        `username=${name}`,
      );

    it('refuses a cross-site form post with 403 and a JSON message, and stores nothing', async () => {
      const response = await post({ origin: 'https://evil.example' }, 'from-evil');
      expect(response.status).toBe(403);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.body.message).toBe(
        "Forbidden: cross-origin requests are refused (Origin 'https://evil.example' is not this Admin API's origin)",
      );
      expect((await admin().client.get('/consumers/from-evil')).status).toBe(404);
    });

    it('refuses Sec-Fetch-Site: cross-site and an opaque Origin: null', async () => {
      expect((await post({ 'sec-fetch-site': 'cross-site' }, 'cross-site')).status).toBe(403);
      expect((await post({ origin: 'null' }, 'opaque')).status).toBe(403);
    });

    it("accepts the Admin API's own origin, and clients that send no Origin (curl)", async () => {
      const { host } = new URL(admin().client.baseUrl);
      expect((await post({ origin: `http://${host}`, 'sec-fetch-site': 'same-origin' }, 'same')).status).toBe(
        201,
      );
      expect((await post({}, 'curl')).status).toBe(201);
    });
  });

  describe('the admin app with ADMIN_TOKEN', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-admin-access-'));
    let app: AppProcess;
    let url: string;

    beforeAll(async () => {
      const port = await freePort();
      url = `http://127.0.0.1:${port}`;
      app = await startAppProcess(
        appEntry('admin'),
        {
          ADMIN_LISTEN: `127.0.0.1:${port}`,
          ADMIN_TOKEN: TOKEN,
          ADMIN_REQUEST_TIMEOUT_MS: '1000',
          DATA_DIR: dataDir,
        },
        `${url}/status`,
      );
    });
    afterAll(async () => {
      await app?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('answers 401 with a JSON message without the token or with a wrong one, and stores nothing', async () => {
      const attempts: Record<string, string>[] = [
        {},
        { 'kong-admin-token': 'wrong' },
        { authorization: `Bearer ${TOKEN}x` },
      ];
      for (const headers of attempts) {
        const client = new AdminClient(url, headers);
        const read = await client.get('/status');
        expect(read.status).toBe(401);
        expect(read.body.message).toMatch(/Kong-Admin-Token: <token>.*Authorization: Bearer <token>/);
        expect((await client.json('POST', '/consumers', { username: 'intruder' })).status).toBe(401);
      }
      const admin = new AdminClient(url, { 'kong-admin-token': TOKEN });
      expect((await admin.get('/consumers/intruder')).status).toBe(404);
    });

    it('accepts the token as Kong-Admin-Token and as Authorization: Bearer', async () => {
      const kong = new AdminClient(url, { 'kong-admin-token': TOKEN });
      expect((await kong.json('POST', '/consumers', { username: 'by-header' })).status).toBe(201);
      const bearer = new AdminClient(url, { authorization: `Bearer ${TOKEN}` });
      expect((await bearer.get('/consumers/by-header')).status).toBe(200);
    });

    it('closes a connection whose headers trickle in past ADMIN_REQUEST_TIMEOUT_MS', async () => {
      const { port } = new URL(url);
      const socket = connect(Number(port), '127.0.0.1');
      socket.write('GET /status HTTP/1.1\r\nHost: 127.0.0.1\r\n');
      const drip = setInterval(() => socket.write('x-drip: 1\r\n'), 200);
      const started = Date.now();
      let answer = '';
      socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
      await new Promise<void>((resolve) => {
        socket.once('close', () => resolve());
        setTimeout(() => {
          socket.destroy();
          resolve();
        }, 8_000).unref();
      });
      clearInterval(drip);
      expect(Date.now() - started).toBeLessThan(4_000);
      expect(answer).toMatch(/^HTTP\/1\.1 408/);
    });
  });

  it('refuses to start when ADMIN_LISTEN is beyond loopback without ADMIN_TOKEN, saying what to do', async () => {
    // 192.0.2.1 (TEST-NET-1) is on no machine: a start that ignored the rule could not bind either.
    const app = spawnAppProcess(appEntry('admin'), {
      ADMIN_LISTEN: `192.0.2.1:${await freePort()}`,
      ADMIN_TOKEN: '',
      DATA_DIR: 'memory://',
    });
    const code = await new Promise<number | null>((resolve) => app.child.once('exit', resolve));
    expect(code).not.toBe(0);
    expect(app.output()).toMatch(
      /ADMIN_LISTEN=192\.0\.2\.1:\d+ accepts connections beyond loopback: set ADMIN_TOKEN .*or bind ADMIN_LISTEN to 127\.0\.0\.1/,
    );
  });
});
