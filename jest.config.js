// Two tiers: pure rules beside the code (unit) and the real API against real services (e2e).
// Tests are compiled file by file without type checking (tsconfig.jest.json sets isolatedModules):
// `npm run typecheck` checks every file, tests included, once; ts-jest checking each suite's whole
// program again, the client's large generated types with it, took about half of each suite's time.
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.jest.json' }];

/** @type {import('jest').Config} */
module.exports = {
  // Jest reads the timeout from the top level, not from a project: e2e suites boot the app and
  // talk to real services, which on a busy machine takes longer than the default 5 s.
  testTimeout: 30000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      rootDir: '.',
      roots: ['<rootDir>/src'],
      testMatch: ['**/*.spec.ts'],
      transform: { '^.+\\.ts$': tsJest },
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      rootDir: '.',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.e2e-spec.ts'],
      transform: { '^.+\\.ts$': tsJest },
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
      setupFiles: ['<rootDir>/test/support/env.ts'],
      testTimeout: 30000,
    },
  ],
};
