/**
 * `npm run test:faults`: the server as a child process with its dependencies taken away (test/faults/*.faults.ts).
 * Not part of `npm test`: these tests run for minutes of real time.
 */
const base = require('./jest.config');

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/faults'],
  testMatch: ['**/*.faults.ts'],
  transform: base.transform,
  transformIgnorePatterns: base.transformIgnorePatterns,
  // Files are scenarios that mostly wait on real time: run them side by side.
  maxWorkers: 3,
  testTimeout: 420_000,
  // Every wait of a scenario is bounded with a message naming its step (support/processes.ts `within`); the suite
  // records each process group it starts and fails at the end if one is still running.
  globalSetup: '<rootDir>/test/faults/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/faults/support/global-teardown.ts',
  setupFiles: ['<rootDir>/test/faults/support/bounded-fetch.ts'],
  // undici keeps idle keep-alive sockets to the killed servers open for a while; they are not ours to close.
  forceExit: true,
};
