import { runProcess } from '@argus/shared';
import { createApi } from './api.js';
import { loadApiConfig } from './config.js';

await runProcess({ name: 'api', loadConfig: () => loadApiConfig(), create: createApi });
