/**
 * A Lambda entry point that builds its handler (and SDK clients) on the first invocation and
 * reuses it afterwards: clients live as long as the execution environment, and importing the
 * module (in tests, or to read its exports) needs no environment variables.
 */
export function lazyHandler<D, E, R>(make: (deps: D) => (event: E) => Promise<R>, deps: () => D): (event: E) => Promise<R> {
  let instance: ((event: E) => Promise<R>) | undefined;
  return (event) => (instance ??= make(deps()))(event);
}
