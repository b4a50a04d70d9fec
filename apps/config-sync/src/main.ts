// Sizes the V8 heap before the app loads: every module of a static import graph is parsed before
// the first one runs, and parsing this app's grows the young generation (see @switchyard/runtime).
import { applyHeapDefaults } from '@switchyard/runtime';

applyHeapDefaults();
await import('./config-sync.js');
