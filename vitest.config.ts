import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Node loads graphql's CommonJS entry for the libraries; make the tests' own imports load the
    // same copy, so `instanceof GraphQLError` holds across them.
    alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/globalSetup.ts'],
    setupFiles: ['test/helpers/perFile.ts'],
    pool: 'forks',
    // Files in one worker share its database (one PGlite per worker); test data is unique per test.
    isolate: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
