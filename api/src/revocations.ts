import { listApplicationOrigins, listRevokedTokenIds, type Logger, type TokenClaims } from '@argus/shared';
import type { DataSource } from 'typeorm';

export type RevocationList = {
  /** Revoked, or issued for an application that no longer exists. */
  isRevoked(claims: TokenClaims): boolean;
  /** May pages of this origin send with this application's keys? Within `refreshMs` of a change. */
  allowsOrigin(applicationId: string, origin: string): boolean;
  stop(): void;
};

type Snapshot = { revoked: Set<string>; applications: Map<string, string[] | null>; readFromMs: number };

/**
 * Keeps the ids of revoked tokens and of existing applications (with the origins each allows) in memory, reloaded every
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
    const [revoked, applications] = await Promise.all([listRevokedTokenIds(db), listApplicationOrigins(db)]);
    return { revoked: new Set(revoked), applications, readFromMs };
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
    allowsOrigin: (applicationId, origin) => snapshot.applications.get(applicationId)?.includes(origin) ?? true,
    stop: () => clearInterval(timer),
  };
}
