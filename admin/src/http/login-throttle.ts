import type { RequestHandler } from 'express';
import formidable from 'express-formidable';
import type pg from 'pg';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';

/**
 * Login attempts allowed before logins pause. Attempts are counted before the password is checked,
 * so a burst of parallel guesses is cut off as surely as a slow one; a successful login forgets
 * its account's count.
 */
export const loginLimits = {
  /** Per account (email), whatever the address: slows a distributed guess at one operator's password. */
  account: { attempts: 10, windowSeconds: 15 * 60 },
  /** Per address, whatever the account: slows one machine trying many accounts. */
  address: { attempts: 50, windowSeconds: 60 * 60 },
};

export type LoginThrottle = {
  /** Counts an attempt; answers how many seconds to wait when this one is over a limit, else 0. */
  attempt(address: string, email: string): Promise<number>;
  succeeded(email: string): Promise<void>;
  stop(): void;
};

/** The counts live in PostgreSQL (`admin_login_failures`), so they hold across restarts and panel processes. */
export function createLoginThrottle(pool: pg.Pool, limits = loginLimits): LoginThrottle {
  const limiter = (keyPrefix: string, limit: { attempts: number; windowSeconds: number }) =>
    new RateLimiterPostgres({
      storeClient: pool,
      tableName: 'admin_login_failures',
      tableCreated: true, // by a migration
      clearExpiredByTimeout: false, // its timer would keep the process alive; expired rows are cleared below
      keyPrefix,
      points: limit.attempts,
      duration: limit.windowSeconds,
    });
  const byAccount = limiter('account', limits.account);
  const byAddress = limiter('address', limits.address);
  const accountKey = (email: string) => email.trim().toLowerCase();
  const cleanup = setInterval(() => {
    pool.query('DELETE FROM admin_login_failures WHERE expire < $1', [Date.now()]).catch(() => {});
  }, 60 * 60 * 1000);
  cleanup.unref();

  const waitFor = (consumed: Promise<RateLimiterRes>) =>
    consumed.then(
      () => 0,
      (refusal: unknown) => {
        if (refusal instanceof RateLimiterRes) return Math.ceil(refusal.msBeforeNext / 1000);
        throw refusal; // the database, not a limit
      },
    );

  return {
    async attempt(address, email) {
      const waits = await Promise.all([waitFor(byAddress.consume(address)), waitFor(byAccount.consume(accountKey(email)))]);
      return Math.max(...waits);
    },
    async succeeded(email) {
      await byAccount.delete(accountKey(email));
    },
    stop: () => clearInterval(cleanup),
  };
}

/**
 * Counts a login attempt before AdminJS checks the password (the form is read here, the router's own
 * parser then skips it) and answers 429 with the login page and a clear message when over a limit.
 */
export function throttleLogins(throttle: LoginThrottle, renderRefusal: () => Promise<string>): RequestHandler[] {
  return [
    formidable(),
    async (req, res, next) => {
      try {
        const email = String((req as typeof req & { fields?: Record<string, unknown> }).fields?.email ?? '');
        const wait = await throttle.attempt(req.ip ?? 'unknown', email);
        if (wait === 0) return next();
        res.status(429).set('Retry-After', String(wait)).send(await renderRefusal());
      } catch (error) {
        next(error);
      }
    },
  ];
}
