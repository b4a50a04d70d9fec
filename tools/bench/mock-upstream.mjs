// The upstream of the benchmark: the test suite's mock provider (real wire format, no request
// recording), in a process of its own so that it never competes with the gateway's event loop.
// Input: `{ behaviour, provider }` (e.g. `{ eventCount: 64, eventIntervalMs: 10 }`; the provider
// is OpenAI unless named).
// Reports `{ url }` once it listens; stops on SIGTERM or when the benchmark goes away.
import { startMockProvider } from '../../libs/testing/dist/index.js';
import { childInput, closeOnStop, reply } from './children.mjs';

const { behaviour, provider = 'openai' } = childInput();
const mock = await startMockProvider(provider, { record: false, behaviour });
closeOnStop(() => mock.close());
await reply({ ready: { url: mock.url } });
