// The gateways under test, each with the same OpenAI `ai-proxy` route (`POST /chat`, statistics
// logged) pointing at the mock upstream:
// - the standalone gateway (admin + config-sync + proxy in one process, embedded store);
// - the proxy app with `PROXY_WORKERS` workers (node:cluster), fed over Redis by a standalone
//   gateway acting as its control plane (embedded store, Redis bus, its own proxy left idle).
// Logs (access log included) go to a file under tmp/bench, as a deployment's would go to a pipe;
// it is deleted when the gateway stops, and kept (and named in the error) when it fails to start.
import { request } from 'node:http';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import {
  MOCK_PROVIDER_API_KEY,
  TEST_REDIS_URL,
  addOpenAiChatRoute,
  appEntry,
  deleteRedisKeys,
  freePort,
  startAppProcess,
  startStandaloneGateway,
  uniqueTestName,
  waitUntilServed,
} from '../../libs/testing/dist/index.js';

/** The route every gateway serves (POST), and the credential the mock expects. */
export const ROUTE_PATH = '/chat';
export const AUTHORIZATION = `Bearer ${MOCK_PROVIDER_API_KEY}`;

/** The route every gateway serves, to the mock upstream at `upstreamUrl`, its statistics logged. */
export function chatRoute(upstreamUrl) {
  return {
    service: 'llm',
    route: 'chat',
    path: ROUTE_PATH,
    upstreamUrl: `${upstreamUrl}/v1/chat/completions`,
    config: ['config.logging.log_statistics=true'],
  };
}

const LOG_DIR = fileURLToPath(new URL('../../tmp/bench', import.meta.url));

/** A log file of its own for one process, emptied first (the logger appends). */
function freshLog(name) {
  const file = `${LOG_DIR}/${name}.log`;
  rmSync(file, { force: true });
  return file;
}

/** Runs `start`, adding where the logs are to the error when it fails. */
async function naming(logFiles, start) {
  try {
    return await start();
  } catch (error) {
    throw new Error(`${error.message}\n(logs: ${logFiles.join(', ')})`, { cause: error });
  }
}

/**
 * A standalone gateway serving the route. `accessLog` sets ACCESS_LOG; `env` adds variables
 * (e.g. NODE_OPTIONS for a CPU profile). Resolves with its proxy URL, pid, log file and stop().
 */
export async function startStandalone({ upstreamUrl, accessLog, name, env = {} }) {
  const logFile = freshLog(name);
  const gateway = await naming([logFile], () =>
    startStandaloneGateway({ ACCESS_LOG: String(accessLog), LOG_DESTINATION: logFile, ...env }),
  );
  await naming([logFile], async () => {
    try {
      await addOpenAiChatRoute(gateway.admin, chatRoute(upstreamUrl));
      await waitUntilServed(gateway.proxyUrl, ROUTE_PATH);
    } catch (error) {
      await gateway.stop();
      throw error;
    }
  });
  return {
    url: `${gateway.proxyUrl}${ROUTE_PATH}`,
    pid: gateway.process.child.pid,
    logFile,
    async stop() {
      await gateway.stop();
      rmSync(logFile, { force: true });
    },
  };
}

/** GET /status on a new connection each time. */
function statusOnNewConnection(statusUrl) {
  return new Promise((resolve, reject) => {
    const req = request(statusUrl, { agent: false, timeout: 2_000 }, (res) => {
      let text = '';
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve(JSON.parse(text)));
    });
    req.on('timeout', () => req.destroy(new Error('status timed out')));
    req.on('error', reject);
    req.end();
  });
}

/**
 * Waits until `workers` workers report a config. A clustered proxy's primary answers the status
 * listener for all of them (`workers`: each one's status); a single node answers for itself.
 */
async function waitUntilWorkersServe(statusUrl, workers, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  let ready = 0;
  while (Date.now() < deadline) {
    const status = await statusOnNewConnection(statusUrl).catch(() => null);
    const nodes = status?.workers ?? (status ? [status] : []);
    ready = nodes.filter((node) => node.configuration_version != null).length;
    if (ready >= workers) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`only ${ready} of ${workers} workers serve a config after ${timeoutMs} ms`);
}

/**
 * The proxy app with `workers` workers behind a control plane, both on a Redis prefix of their
 * own (deleted on stop); `env` adds variables to the proxy's. Resolves with the proxy URL, the
 * primary's pid and stop().
 */
export async function startWorkerProxy({ upstreamUrl, workers, accessLog, env = {} }) {
  const prefix = uniqueTestName('bench');
  const bus = { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix };
  const logFile = freshLog(`proxy-workers-${workers}`);
  const controlLog = freshLog('control-plane');
  const control = await naming([controlLog], () =>
    startStandaloneGateway({ ...bus, LOG_DESTINATION: controlLog, ACCESS_LOG: 'false' }),
  );
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
  const stop = async (proxy) => {
    await proxy?.stop();
    await control.stop();
    await deleteRedisKeys(redis, prefix).finally(() => redis.disconnect());
  };
  const [proxyPort, statusPort] = await Promise.all([freePort(), freePort()]);
  let proxy;
  await naming([logFile, controlLog], async () => {
    try {
      await addOpenAiChatRoute(control.admin, chatRoute(upstreamUrl));
      const statusUrl = `http://127.0.0.1:${statusPort}/status`;
      proxy = await startAppProcess(
        appEntry('proxy'),
        {
          ...bus,
          PROXY_LISTEN: `127.0.0.1:${proxyPort}`,
          STATUS_LISTEN: `127.0.0.1:${statusPort}`,
          PROXY_WORKERS: String(workers),
          ACCESS_LOG: String(accessLog),
          LOG_DESTINATION: logFile,
          ...env,
        },
        statusUrl,
      );
      await waitUntilWorkersServe(statusUrl, workers);
    } catch (error) {
      await stop(proxy);
      throw error;
    }
  });
  return {
    url: `http://127.0.0.1:${proxyPort}${ROUTE_PATH}`,
    pid: proxy.child.pid,
    async stop() {
      await stop(proxy);
      rmSync(logFile, { force: true });
      rmSync(controlLog, { force: true });
    },
  };
}
