import { runProcess } from '@argus/shared';
import { loadWorkerConfig } from './config.js';
import { createWorker } from './worker.js';

await runProcess({ name: 'worker', loadConfig: () => loadWorkerConfig(), create: createWorker });
