export { compileRouter } from './route-matcher.js';
export { RouteCompileError } from './route-compile-error.js';
export type {
  PathHandling,
  RouteDefinition,
  RouteMatch,
  RouteRequest,
  Router,
  ServiceDefinition,
} from './router.types.js';
