import { parseArgs } from 'node:util';
import { z } from 'zod';
import { findOrCreateApplication, issueToken } from '../applications.js';
import { baseConfigShape, loadConfig } from '../config.js';
import { createDataSource } from '../database.js';
import { tokenScopeList } from '../entities/api-token.js';
import { runCommand, UsageError } from './run-command.js';

const usage = 'usage: generate-token --email <email> [--app <name>] [--scope write|read|schema|admin[,...]]';

const optionsSchema = z.object({
  email: z.email(),
  app: z.string().trim().min(1).max(100).optional(),
  scope: tokenScopeList,
});

await runCommand(async () => {
  const { values } = parseArgs({ options: { email: { type: 'string' }, app: { type: 'string' }, scope: { type: 'string' } } });
  const parsed = optionsSchema.safeParse(values);
  if (!parsed.success) throw new UsageError(`${z.prettifyError(parsed.error)}\n${usage}`);
  const options = parsed.data;

  const config = loadConfig(
    { DATABASE_URL: baseConfigShape.DATABASE_URL, NODE_ENV: baseConfigShape.NODE_ENV, JWT_SECRET: baseConfigShape.JWT_SECRET },
    ['JWT_SECRET'],
  );
  const db = createDataSource({ url: config.DATABASE_URL, poolSize: 1, applicationName: 'argus-generate-token' });
  await db.initialize();
  try {
    const application = await findOrCreateApplication(db, { name: options.app ?? options.email, email: options.email });
    const { token, record } = await issueToken(db, config.JWT_SECRET, { applicationId: application.id, scopes: options.scope });
    console.error(`application: ${application.name} (${application.id})`);
    console.error(`token id:    ${record.id}, scopes: ${record.scopes.join(',')}`);
    // the last line of stdout is the bare token, for scripts: TOKEN=$(make -s generatetoken email=...)
    console.log(token);
  } finally {
    await db.destroy();
  }
});
