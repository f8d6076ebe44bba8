/**
 * Lets queued events run before long work goes on: a server's requests on the main thread, or
 * the forest pool's finished trees in the training thread.
 */
export const yieldToEventLoop = (): Promise<void> => new Promise<void>((resolve) => setImmediate(resolve));
