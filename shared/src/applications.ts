import { IsNull, type DataSource } from 'typeorm';
import { ApiToken, type TokenScope } from './entities/api-token.js';
import { Application } from './entities/application.js';
import { signToken } from './tokens.js';

/** Returns the application called `name`, creating it (with `email` as its contact) if there is none. */
export async function findOrCreateApplication(db: DataSource, input: { name: string; email: string }): Promise<Application> {
  const applications = db.getRepository(Application);
  await applications.createQueryBuilder().insert().values(input).orIgnore().execute();
  return applications.findOneByOrFail({ name: input.name });
}

export type IssuedToken = { token: string; record: ApiToken };

/** Records a new token for the application and returns the signed JWT; the JWT is never stored. */
export async function issueToken(
  db: DataSource,
  secret: string,
  input: { applicationId: string; scopes: TokenScope[]; expiresAt?: Date | null },
): Promise<IssuedToken> {
  const record = await db.getRepository(ApiToken).save({
    applicationId: input.applicationId,
    scopes: input.scopes,
    expiresAt: input.expiresAt ?? null,
  });
  const token = signToken(secret, { applicationId: record.applicationId, tokenId: record.id, scopes: record.scopes }, record.expiresAt);
  return { token, record };
}

export async function revokeToken(db: DataSource, tokenId: string): Promise<boolean> {
  const result = await db.getRepository(ApiToken).update({ id: tokenId, revokedAt: IsNull() }, { revokedAt: () => 'now()' });
  return (result.affected ?? 0) > 0;
}

/** Ids of every revoked token that has not expired yet (an expired one is refused anyway). */
export async function listRevokedTokenIds(db: DataSource): Promise<string[]> {
  const rows: { id: string }[] = await db.query(
    `SELECT id FROM api_tokens WHERE revoked_at IS NOT NULL AND (expires_at IS NULL OR expires_at > now())`,
  );
  return rows.map((row) => row.id);
}

/**
 * Every application that exists (a token naming another was issued for one since deleted), with the
 * origins whose pages may send with its keys (null: any).
 */
export async function listApplicationOrigins(db: DataSource): Promise<Map<string, string[] | null>> {
  const rows: { id: string; allowed_origins: string[] | null }[] = await db.query('SELECT id, allowed_origins FROM applications');
  return new Map(rows.map((row) => [row.id, row.allowed_origins]));
}
