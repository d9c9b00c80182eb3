/**
 * Tests run from source (ts-jest, ESM); `make test` type-checks and builds everything first with tsc
 * (the worker's schema thread runs the built code). Two projects: `unit` needs no service and runs
 * in seconds (`make test-unit`); `integration` runs against the local PostgreSQL and RabbitMQ;
 * `cluster` starts RabbitMQ clusters of its own on loopback (`make test-cluster`), its tests setting
 * their own longer timeouts.
 */
const shared = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.test.json' }],
  },
  moduleNameMapper: {
    '^@argus/shared$': '<rootDir>/shared/src/index.ts',
    '^@argus/shared/testing$': '<rootDir>/shared/src/testing/index.ts',
    '^@argus/shared/schema-compiler$': '<rootDir>/shared/src/schema-registry/schema-compiler.ts',
    '^@argus/client$': '<rootDir>/client/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
};

export default {
  // a global option: jest does not read it from a project
  testTimeout: 30_000,
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/*/src/**/*.test.ts', '<rootDir>/loadtest/k6/*.test.ts'] },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/*/test/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/cluster/'],
    },
    { ...shared, displayName: 'cluster', testMatch: ['<rootDir>/test/cluster/**/*.test.ts'] },
  ],
};
