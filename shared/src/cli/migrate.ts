import { baseConfigShape, loadConfig } from '../config.js';
import { migrate } from '../database.js';
import { runCommand } from './run-command.js';

await runCommand(async () => {
  const config = loadConfig({ DATABASE_URL: baseConfigShape.DATABASE_URL, NODE_ENV: baseConfigShape.NODE_ENV }, []);
  const applied = await migrate(config.DATABASE_URL);
  console.log(applied.length === 0 ? 'database is up to date' : `applied: ${applied.join(', ')}`);
});
