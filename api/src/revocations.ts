import { listApplicationIds, listRevokedTokenIds, type Logger, type TokenClaims } from '@argus/shared';
import type { DataSource } from 'typeorm';

export type RevocationList = {
  /** Revoked, or issued for an application that no longer exists. */
  isRevoked(claims: TokenClaims): boolean;
  stop(): void;
};

type Snapshot = { revoked: Set<string>; applications: Set<string>; readFromMs: number };

/**
 * Keeps the ids of revoked tokens and of existing applications in memory, reloaded every
 * `refreshMs`, so verifying a token never waits for the database. The first load completes before
 * the api accepts requests.
 *
 * A token whose application is missing from the list is refused only if it was signed before the
 * list was read (a second's margin for `iat`'s precision): an application created and given a token
 * since then is not in the list yet, while one that was deleted never comes back.
 */
export async function startRevocationList(db: DataSource, refreshMs: number, log: Logger): Promise<RevocationList> {
  const read = async (): Promise<Snapshot> => {
    const readFromMs = Date.now();
    const [revoked, applications] = await Promise.all([listRevokedTokenIds(db), listApplicationIds(db)]);
    return { revoked: new Set(revoked), applications: new Set(applications), readFromMs };
  };
  let snapshot = await read();
  let refreshing = false;
  const timer = setInterval(async () => {
    if (refreshing) return;
    refreshing = true;
    try {
      snapshot = await read();
    } catch (error) {
      // keep the last known lists: refusing every token while the database blips would be worse
      log.warn({ err: error }, 'cannot refresh revoked tokens; keeping the previous list');
    } finally {
      refreshing = false;
    }
  }, refreshMs);
  timer.unref();
  return {
    isRevoked: ({ tokenId, applicationId, issuedAtMs }) =>
      snapshot.revoked.has(tokenId) || (!snapshot.applications.has(applicationId) && (issuedAtMs ?? 0) + 1000 <= snapshot.readFromMs),
    stop: () => clearInterval(timer),
  };
}
