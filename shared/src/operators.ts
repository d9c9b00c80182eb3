import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { Operator } from './entities/operator.js';

// scrypt with N=2^15, r=8, p=1: about 0.1 s and 32 MiB per guess (OWASP's recommended floor is N=2^17 at r=8 for 128 MiB;
// this is the same cost class and stays quick enough for a test suite)
const cost = { N: 2 ** 15, r: 8, p: 1 };
const keyLength = 64;

function derive(password: string, salt: Buffer, options: { N: number; r: number; p: number }): Promise<Buffer> {
  const scryptOptions: ScryptOptions = { ...options, maxmem: 256 * options.N * options.r };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, keyLength, scryptOptions, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

/** `scrypt$N$r$p$salt$hash`: the parameters travel with the hash, so raising the cost later keeps old hashes valid. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, cost);
  return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const key = await derive(password, Buffer.from(salt, 'base64'), { N: Number(n), r: Number(r), p: Number(p) });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

export const minimumPasswordLength = 12;

/** Creates the operator, or sets a new password when the email already has one. */
export async function saveOperator(db: DataSource, input: { email: string; password: string }): Promise<Operator> {
  const passwordHash = await hashPassword(input.password);
  const email = input.email.trim().toLowerCase();
  await db.query(
    `INSERT INTO operators (email, password_hash) VALUES ($1, $2)
     ON CONFLICT (email) DO UPDATE SET password_hash = EXCLUDED.password_hash`,
    [email, passwordHash],
  );
  return db.getRepository(Operator).findOneByOrFail({ email });
}

// a fixed hash to verify against when the email is unknown, so a wrong email costs the same time as a wrong password
let decoyHash: Promise<string> | undefined;

/** The operator with that email and password (recording the login), or null. */
export async function authenticateOperator(db: DataSource, email: string, password: string): Promise<Operator | null> {
  const operator = await db
    .getRepository(Operator)
    .createQueryBuilder('operator')
    .addSelect('operator.passwordHash')
    .where('operator.email = :email', { email: email.trim().toLowerCase() })
    .getOne();
  decoyHash ??= hashPassword(randomBytes(16).toString('hex'));
  const valid = await verifyPassword(password, operator?.passwordHash ?? (await decoyHash));
  if (!operator || !valid) return null;
  await db.getRepository(Operator).update(operator.id, { lastLoginAt: () => 'now()' });
  return operator;
}
