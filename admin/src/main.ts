import { runProcess } from '@argus/shared';
import { createAdmin } from './admin.js';
import { loadAdminConfig } from './config.js';

await runProcess({ name: 'admin', loadConfig: () => loadAdminConfig(), create: createAdmin });
