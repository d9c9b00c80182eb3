import { createInterface } from 'node:readline/promises';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { baseConfigShape, loadConfig } from '../config.js';
import { createDataSource } from '../database.js';
import { minimumPasswordLength, saveOperator } from '../operators.js';
import { runCommand, UsageError } from './run-command.js';

const usage = 'usage: create-superuser --email <email> [--password <password>] (prompted when not given)';

const optionsSchema = z.object({
  email: z.email(),
  password: z.string().min(minimumPasswordLength, `password must be at least ${minimumPasswordLength} characters`),
});

await runCommand(async () => {
  const { values } = parseArgs({ options: { email: { type: 'string' }, password: { type: 'string' } } });
  const email = z.email().safeParse(values.email);
  if (!email.success) throw new UsageError(`email: a valid email address is required\n${usage}`);
  const parsed = optionsSchema.safeParse({ email: email.data, password: values.password || (await promptPassword()) });
  if (!parsed.success) throw new UsageError(z.prettifyError(parsed.error));

  const config = loadConfig({ DATABASE_URL: baseConfigShape.DATABASE_URL, NODE_ENV: baseConfigShape.NODE_ENV }, []);
  const db = createDataSource({ url: config.DATABASE_URL, poolSize: 1, applicationName: 'argus-create-superuser' });
  await db.initialize();
  try {
    const operator = await saveOperator(db, parsed.data);
    console.log(`operator ${operator.email} can now log in to the admin panel`);
  } finally {
    await db.destroy();
  }
});

async function promptPassword(): Promise<string> {
  if (!process.stdin.isTTY) throw new UsageError(`no terminal to ask for a password: pass one with password=...\n${usage}`);
  const password = await askHidden('Password: ');
  if ((await askHidden('Password (again): ')) !== password) throw new UsageError('the two passwords differ');
  return password;
}

/** Reads a line from the terminal without echoing it: readline writes its echo to a stream that discards it. */
async function askHidden(question: string): Promise<string> {
  process.stderr.write(question);
  const silent = new Writable({ write: (_chunk, _encoding, done) => done() });
  const reader = createInterface({ input: process.stdin, output: silent, terminal: true });
  try {
    return await reader.question('');
  } finally {
    reader.close();
    process.stderr.write('\n');
  }
}
