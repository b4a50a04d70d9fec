// The command line of the in-process A/B benches (proxy-cpu.mjs, log-phase.mjs).
import { resolve } from 'node:path';

/** `--name=value` (or a bare `--flag`, `'true'`) arguments, by name. */
export function commandLineArgs(argv = process.argv.slice(2)) {
  return Object.fromEntries(
    argv.map((arg) => {
      const [key, value = 'true'] = arg.replace(/^--/, '').split('=');
      return [key, value];
    }),
  );
}

/** This checkout's root. */
export const CHECKOUT = resolve(new URL('../..', import.meta.url).pathname);

/** The checkouts `--roots` names (comma-separated), this one by default, as absolute paths. */
export function checkoutRoots(args) {
  return (args.roots ?? CHECKOUT).split(',').map((root) => resolve(root));
}
