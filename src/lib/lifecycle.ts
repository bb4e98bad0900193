import type { Server } from 'node:http';
import type { Logger } from './logger';

/** A start-up failure the operator can fix; its message says how (printed without a stack). */
export class StartupError extends Error {
  override name = 'StartupError';
}

/** A signal arrived while the process was still starting: what started is closed and the process exits 0. */
export class StartupInterrupted extends Error {
  override name = 'StartupInterrupted';
}

/** Turns "address in use" into a message that names the variable to change. */
export function describeListenError(error: unknown, port: number, variable: string): Error {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE')
    return new StartupError(
      `Port ${port} is already in use: set ${variable} to a free port (or stop the process holding it)`,
    );
  if (code === 'EACCES')
    return new StartupError(`Port ${port} needs privileges this process lacks: set ${variable} to a port above 1023`);
  return error as Error;
}

/** server.listen that rejects on EADDRINUSE/EACCES instead of handing the error to a callback nobody reads. */
export function listen(server: Server, port: number, host: string, variable: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(describeListenError(error, port, variable));
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/** Resolves true when `promise` settles within `ms`, false when it is still pending then (it is left running). */
export function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    timer.unref();
    promise
      .then(
        () => resolve(true),
        () => resolve(true),
      )
      .finally(() => clearTimeout(timer));
  });
}

export interface Closer {
  name: string;
  close(): Promise<unknown>;
}

/**
 * Closes in order (the last registered first), each closer bounded by what is left of `budgetMs`: a driver whose
 * socket never answers must not hold the process open. Returns the names it gave up on.
 */
export async function closeAll(closers: Closer[], budgetMs: number, logger: Pick<Logger, 'warn'>): Promise<string[]> {
  const deadline = Date.now() + budgetMs;
  const abandoned: string[] = [];
  for (const closer of [...closers].reverse()) {
    const closing = closer
      .close()
      .catch((error: unknown) => logger.warn({ err: error, closer: closer.name }, 'Error while closing'));
    // Even past the budget each closer gets a moment: stopping the embedded database must still be attempted.
    if (!(await settlesWithin(closing, Math.max(250, deadline - Date.now())))) abandoned.push(closer.name);
  }
  return abandoned;
}
