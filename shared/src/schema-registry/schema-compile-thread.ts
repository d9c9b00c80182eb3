import { parentPort } from 'node:worker_threads';
import { createSchemaCompiler } from './schema-compiler.js';

/**
 * The thread behind `createOffThreadSchemaCompiler`: compiles what it is sent and says whether it
 * compiled. It says it is ready once ajv has compiled a first schema (its own set-up, which takes
 * a few hundred milliseconds, is no application's cost).
 */
const compiler = createSchemaCompiler();
compiler.compile({ type: 'object', properties: { email: { type: 'string', format: 'email', pattern: '^\\p{L}' } } });
parentPort!.on('message', (schema: unknown) => {
  try {
    compiler.compile(schema);
    parentPort!.postMessage({});
  } catch (error) {
    parentPort!.postMessage({ error: (error as Error).message });
  }
});
parentPort!.postMessage('ready');
