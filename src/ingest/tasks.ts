/**
 * Background tasks of one run. The first task to fail stops the rest: its error is kept and the
 * group's signal aborts, so every queued and open request ends at once.
 */
export class TaskGroup {
  private readonly tasks = new Set<Promise<void>>();
  private readonly halt = new AbortController();
  private firstError: { error: unknown } | undefined;
  readonly signal: AbortSignal;

  constructor(outer?: AbortSignal) {
    this.signal = outer ? AbortSignal.any([this.halt.signal, outer]) : this.halt.signal;
  }

  spawn(task: () => Promise<void>): void {
    const promise = task()
      .catch((error: unknown) => this.stop(error))
      .finally(() => this.tasks.delete(promise));
    this.tasks.add(promise);
  }

  /** Stops the group with `error` unless an earlier error already did. */
  stop(error: unknown): void {
    if (this.firstError) return;
    this.firstError = { error };
    this.halt.abort(error);
  }

  /** Resolves when every task, including those spawned meanwhile, has settled. */
  async idle(): Promise<void> {
    while (this.tasks.size > 0) await Promise.all(this.tasks);
  }

  get failed(): boolean {
    return this.firstError !== undefined;
  }

  /** The error that stopped the group, if one did. */
  get error(): unknown {
    return this.firstError?.error;
  }
}
