/** Tests run from source (ts-jest, ESM); `make test` type-checks everything first with tsc. */
export default {
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
  testMatch: ['<rootDir>/*/src/**/*.test.ts', '<rootDir>/loadtest/k6/*.test.ts', '<rootDir>/*/test/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
  testTimeout: 30_000,
};
