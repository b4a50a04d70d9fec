// The heap settings a running process can still take (the old generation's growing percent; the
// young generation's cap comes from the command line: see @switchyard/runtime), then the app.
import { applyHeapDefaults } from '@switchyard/runtime';

applyHeapDefaults();
await import('./admin.js');
