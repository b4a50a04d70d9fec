/** A route the router cannot compile (bad regex, unknown service); thrown by `compileRouter`. */
export class RouteCompileError extends Error {
  constructor(
    /** Id of the offending route. */
    readonly routeId: string,
    message: string,
  ) {
    super(message);
    this.name = 'RouteCompileError';
  }
}
