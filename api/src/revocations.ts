import { listRevokedTokenIds, type Logger } from '@argus/shared';
import type { DataSource } from 'typeorm';

export type RevocationList = { isRevoked(tokenId: string): boolean; stop(): void };

/**
 * Keeps the ids of revoked tokens in memory, reloaded every `refreshMs`, so verifying a token never
 * waits for the database. The first load completes before the api accepts requests.
 */
export async function startRevocationList(db: DataSource, refreshMs: number, log: Logger): Promise<RevocationList> {
  let revoked = new Set(await listRevokedTokenIds(db));
  let refreshing = false;
  const timer = setInterval(async () => {
    if (refreshing) return;
    refreshing = true;
    try {
      revoked = new Set(await listRevokedTokenIds(db));
    } catch (error) {
      // keep the last known list: refusing every token while the database blips would be worse
      log.warn({ err: error }, 'cannot refresh revoked tokens; keeping the previous list');
    } finally {
      refreshing = false;
    }
  }, refreshMs);
  timer.unref();
  return { isRevoked: (tokenId) => revoked.has(tokenId), stop: () => clearInterval(timer) };
}
