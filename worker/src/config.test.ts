import { ConfigError } from '@argus/shared';
import { loadWorkerConfig } from './config.js';

describe('the worker configuration', () => {
  it('shares destinations by a 1 s heartbeat and a 3 s TTL unless told otherwise', () => {
    expect(loadWorkerConfig({})).toMatchObject({ INGEST_ENABLED: true, DELIVERY_ENABLED: true, DELIVERY_HEARTBEAT_MS: 1000, DELIVERY_WORKER_TTL_MS: 3000 });
    expect(loadWorkerConfig({ INGEST_ENABLED: 'false' }).INGEST_ENABLED).toBe(false);
  });

  it('refuses a worker TTL no longer than the heartbeat, naming it', () => {
    expect(() => loadWorkerConfig({ DELIVERY_HEARTBEAT_MS: '2000', DELIVERY_WORKER_TTL_MS: '2000' })).toThrow(ConfigError);
    expect(() => loadWorkerConfig({ DELIVERY_HEARTBEAT_MS: '2000', DELIVERY_WORKER_TTL_MS: '2000' })).toThrow(/DELIVERY_WORKER_TTL_MS/);
  });
});
