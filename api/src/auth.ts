import { createTokenVerifier, InvalidToken, type TokenClaims, type TokenScope } from '@argus/shared';
import { forbidden, unauthorized } from './errors.js';

export type Authenticate = (authorization: string | undefined, scope: TokenScope) => TokenClaims;

/** Verifies a bearer token from memory alone: signature and expiry by the secret, revocation (and deleted applications) by the list. */
export function createAuthenticator(secret: string, isRevoked: (claims: TokenClaims) => boolean): Authenticate {
  const verifyToken = createTokenVerifier(secret);
  return (authorization, scope) => {
    if (!authorization) throw unauthorized('missing Authorization header; send "Authorization: Bearer <token>"');
    const [kind, token] = authorization.split(' ');
    if (kind?.toLowerCase() !== 'bearer' || !token) throw unauthorized('the Authorization header must be "Bearer <token>"');
    let claims: TokenClaims;
    try {
      claims = verifyToken(token);
    } catch (error) {
      if (error instanceof InvalidToken) throw unauthorized(error.message);
      throw error;
    }
    if (isRevoked(claims)) throw unauthorized('token has been revoked, or its application deleted');
    if (!claims.scopes.includes(scope) && !claims.scopes.includes('admin')) {
      throw forbidden(`this token lacks the "${scope}" scope`);
    }
    return claims;
  };
}
