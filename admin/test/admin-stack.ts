import { saveOperator } from '@argus/shared';
import { silentLog, testSecret } from '@argus/shared/testing';
import { startStack, type TestStack } from '../../test/support/stack.js';
import { createAdmin, type AdminProcess } from '../src/admin.js';
import { loadAdminConfig } from '../src/config.js';

export const operator = { email: 'ops@example.com', password: 'correct horse battery staple' };

export type AdminStack = TestStack & { admin: AdminProcess; adminUrl: string };

/** The pipeline's test stack plus the admin panel on a free port, with one operator. */
export async function startAdminStack(): Promise<AdminStack> {
  const stack = await startStack();
  await saveOperator(stack.database.db, operator);
  const admin = createAdmin(
    loadAdminConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: stack.database.url,
      AMQP_URL: stack.broker.url,
      AMQP_PREFIX: stack.broker.prefix,
      JWT_SECRET: testSecret,
      SESSION_SECRET: 'session-secret-for-tests-only-0123456789',
      ADMIN_PORT: '0',
      ADMIN_HOST: '127.0.0.1',
    }),
    silentLog,
  );
  try {
    const { port } = await admin.start();
    return {
      ...stack,
      admin,
      adminUrl: `http://127.0.0.1:${port}/admin`,
      async stop() {
        await admin.stop();
        await stack.stop();
      },
    };
  } catch (error) {
    await admin.stop();
    await stack.stop();
    throw error;
  }
}
