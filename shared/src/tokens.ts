import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { z } from 'zod';
import { tokenScopes, type TokenScope } from './entities/api-token.js';

const issuer = 'argus';

/** What a verified token says: which application speaks, through which token, allowed to do what. */
export type TokenClaims = {
  applicationId: string;
  tokenId: string;
  scopes: TokenScope[];
  /** When it was signed (to the second, by the signer's clock); absent only before signing. */
  issuedAtMs?: number;
};

const payloadSchema = z.object({
  sub: z.uuid(),
  jti: z.uuid(),
  scope: z.string().transform((scope) => scope.split(' ')).pipe(z.array(z.enum(tokenScopes))),
  exp: z.number().optional(),
  iat: z.number().optional(),
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
export function verifyToken(secret: string | KeyObject, token: string): TokenClaims {
  return verifyWithExpiry(secret, token).claims;
}

function verifyWithExpiry(secret: string | KeyObject, token: string): { claims: TokenClaims; expiresAtMs: number } {
  let payload: unknown;
  try {
    payload = jwt.verify(token, secret, { algorithms: ['HS256'], issuer });
  } catch (error) {
    throw new InvalidToken(error instanceof jwt.TokenExpiredError ? 'token expired' : 'token signature or format is invalid');
  }
  const claims = payloadSchema.safeParse(payload);
  if (!claims.success) throw new InvalidToken('token claims are invalid');
  const { sub, jti, scope, exp, iat } = claims.data;
  return { claims: { applicationId: sub, tokenId: jti, scopes: scope, issuedAtMs: iat === undefined ? undefined : iat * 1000 }, expiresAtMs: exp === undefined ? Infinity : exp * 1000 };
}

/**
 * A verifier for the hot path. Given a string, jsonwebtoken rebuilds a key object on every call
 * (half the api's CPU under load), so the key is built once; and a token already verified is
 * remembered until it expires, so an application's steady stream of requests costs one HMAC.
 */
export function createTokenVerifier(secret: string, cacheSize = 10_000): (token: string) => TokenClaims {
  const key = createSecretKey(Buffer.from(secret));
  const verified = new Map<string, { claims: TokenClaims; expiresAtMs: number }>();
  return (token) => {
    const cached = verified.get(token);
    if (cached && cached.expiresAtMs > Date.now()) return cached.claims;
    const fresh = verifyWithExpiry(key, token);
    if (verified.size >= cacheSize) verified.clear();
    verified.set(token, fresh);
    return fresh.claims;
  };
}
