import jwt from 'jsonwebtoken';
import { z } from 'zod';
import { tokenScopes, type TokenScope } from './entities/api-token.js';

const issuer = 'argus';

/** What a verified token says: which application speaks, through which token, allowed to do what. */
export type TokenClaims = { applicationId: string; tokenId: string; scopes: TokenScope[] };

const payloadSchema = z.object({
  sub: z.uuid(),
  jti: z.uuid(),
  scope: z.string().transform((scope) => scope.split(' ')).pipe(z.array(z.enum(tokenScopes))),
});

export function signToken(secret: string, claims: TokenClaims, expiresAt?: Date | null): string {
  const payload: Record<string, unknown> = { scope: claims.scopes.join(' ') };
  if (expiresAt) payload.exp = Math.floor(expiresAt.getTime() / 1000);
  return jwt.sign(payload, secret, { algorithm: 'HS256', issuer, subject: claims.applicationId, jwtid: claims.tokenId });
}

export class InvalidToken extends Error {
  override name = 'InvalidToken';
}

/** Checks signature, issuer and expiry; throws InvalidToken saying why. Revocation is the caller's business. */
export function verifyToken(secret: string, token: string): TokenClaims {
  let payload: unknown;
  try {
    payload = jwt.verify(token, secret, { algorithms: ['HS256'], issuer });
  } catch (error) {
    throw new InvalidToken(error instanceof jwt.TokenExpiredError ? 'token expired' : 'token signature or format is invalid');
  }
  const claims = payloadSchema.safeParse(payload);
  if (!claims.success) throw new InvalidToken('token claims are invalid');
  return { applicationId: claims.data.sub, tokenId: claims.data.jti, scopes: claims.data.scope };
}
