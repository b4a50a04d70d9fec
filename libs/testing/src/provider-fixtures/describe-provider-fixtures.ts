import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LlmRequest, LlmRouteType, ProviderDriver, ResolvedModel } from '@switchyard/plugin-api';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { splitFixtureFrames } from './fixture-frames.js';
import { makeProviderRequest } from './provider-request.js';

/**
 * The clock the fixtures are written against: while a fixture runs, `Date` is frozen at this
 * instant, so a `created` the driver stamps is `1700000000` in `response.json` and
 * `stream.expected.txt`, and passed-through upstream values stay exactly as they were.
 */
export const FIXTURE_NOW_MS = 1_700_000_000_000;

const FIXTURE_ROUTE_TYPES: readonly LlmRouteType[] = ['llm/v1/chat', 'llm/v1/completions'];

/** The fixture folder of a route type: `llm/v1/chat` → `llm-v1-chat`. */
function fixtureDirName(routeType: LlmRouteType): string {
  return routeType.replaceAll('/', '-');
}

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** The events a client receives, written as the proxy writes them: `data: <event>\n\n` each. */
function toClientStream(events: readonly string[]): string {
  return events.map((event) => `data: ${event}\n\n`).join('');
}

/**
 * Runs a provider driver through its golden fixtures: for every route-type folder in
 * `fixturesDir` (`llm-v1-chat`, `llm-v1-completions`), it checks that
 * - `request.json` (the client body, options merged) translates to `upstream-request.json`;
 * - `upstream-response.json` translates to `response.json`;
 * - `stream.upstream.txt`, cut into frames by the driver's framing and fed to one stream
 *   translator, gives exactly `stream.expected.txt` (`data: <event>\n\n` per event).
 * The resolved model is `model` named as `request.json`'s `model` (options are merged there).
 * The request is streamed as `request.json`'s `stream` says; the stream check is always streamed.
 * No query string, no usage wanted. `Date` is frozen at `FIXTURE_NOW_MS` in every check.
 */
export function describeProviderFixtures(
  driver: ProviderDriver,
  fixturesDir: string,
  model: ResolvedModel,
): void {
  const present = FIXTURE_ROUTE_TYPES.filter((routeType) =>
    existsSync(join(fixturesDir, fixtureDirName(routeType))),
  );

  describe(`${driver.id} golden fixtures`, () => {
    beforeEach(() => {
      vi.useFakeTimers({ toFake: ['Date'], now: FIXTURE_NOW_MS });
    });
    afterEach(() => {
      vi.useRealTimers();
    });

    it('has fixtures for exactly the route types it serves', () => {
      expect(present).toEqual(
        FIXTURE_ROUTE_TYPES.filter((routeType) => driver.routeTypes.includes(routeType)),
      );
    });

    for (const routeType of present) {
      const dir = join(fixturesDir, fixtureDirName(routeType));
      const fixture = (name: string) => join(dir, name);
      const clientBody = () => readJson(fixture('request.json')) as LlmRequest;
      // The client body has the options merged, so its `model` is the resolved model name.
      const providerRequest = (stream: boolean) =>
        makeProviderRequest({ ...model, name: clientBody().model ?? model.name }, { routeType, stream });

      describe(routeType, () => {
        it('translates the client request to the upstream request', () => {
          const body = clientBody();
          const translated = driver.translateRequest(body, providerRequest(body.stream === true));
          expect(translated.body).toEqual(readJson(fixture('upstream-request.json')));
        });

        it('translates the upstream response to the client response', () => {
          const response = driver.translateResponse(
            readJson(fixture('upstream-response.json')),
            providerRequest(false),
          );
          expect(response).toEqual(readJson(fixture('response.json')));
        });

        it('translates the upstream stream to the client stream', () => {
          const frames = splitFixtureFrames(
            readFileSync(fixture('stream.upstream.txt'), 'utf8'),
            driver.streamFraming,
          );
          const translator = driver.createStreamTranslator(providerRequest(true));
          const events = frames.flatMap((frame) => translator.translate(frame).events);
          expect(toClientStream(events)).toBe(readFileSync(fixture('stream.expected.txt'), 'utf8'));
        });
      });
    }
  });
}
