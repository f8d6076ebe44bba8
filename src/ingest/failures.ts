import type { Logger } from '../config/logger.js';
import type { IngestFailure } from './types.js';

/** Failures kept in the run record; the count stays exact beyond it. */
export const MAX_RECORDED_FAILURES = 500;

/** What did not make it into a run: counted exactly, the first few hundred kept with their reason. */
export class FailureLog {
  private readonly kept: IngestFailure[] = [];
  private total: number;

  /** `earlier`: failures a resumed run's earlier attempts counted, which this one adds to. */
  constructor(
    private readonly log: Logger,
    earlier = 0,
  ) {
    this.total = earlier;
  }

  record(failure: IngestFailure): void {
    this.total += 1;
    if (this.kept.length < MAX_RECORDED_FAILURES) this.kept.push(failure);
    this.log.warn(failure, 'collection failure recorded');
  }

  get count(): number {
    return this.total;
  }

  get list(): IngestFailure[] {
    return [...this.kept];
  }
}
