import type { DialectName, Stores } from '../../persistence/index.js';

export type HealthService = ReturnType<typeof createHealthService>;

/** Readiness: whether the database answers, and which kind it is (shown, never a secret). */
export function createHealthService(deps: {
  stores: Pick<Stores, 'checkConnection'>;
  databaseKind: DialectName;
}) {
  return {
    databaseKind: deps.databaseKind,
    /** Resolves when the database answers one round trip; rejects with the reason otherwise. */
    checkDatabase: () => deps.stores.checkConnection(),
  };
}
