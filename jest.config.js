/** Jest: @swc/jest transpiles without type checking (tsc checks types once, in `npm run typecheck`). */
module.exports = {
  // jest's node environment; the worker's realm, where installed packages run, gets each file's console and
  // V8's format for creation stacks (test/support/environment.js).
  testEnvironment: '<rootDir>/test/support/environment.js',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022', keepClassNames: true },
        module: { type: 'commonjs' },
      },
    ],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  globalSetup: '<rootDir>/test/global-setup.js',
  globalTeardown: '<rootDir>/test/global-teardown.js',
  // Installed packages load once per jest worker instead of once per test file (~25% of the suite's CPU).
  runtime: '<rootDir>/test/support/jest-runtime.js',
  // Beside the installed packages (with the synthesis cache, test/support/synth-cache.ts): a fresh clone starts cold.
  cacheDirectory: '<rootDir>/node_modules/.cache/jest',
  testTimeout: 60000,
  maxWorkers: 2,
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
};
