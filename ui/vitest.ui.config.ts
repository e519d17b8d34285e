import { defineConfig } from 'vitest/config';
import CountReporter from './tests/count-reporter.ts';

// The screens in Debian's Chromium (playwright-core), with the Tauri IPC mocked.
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default', new CountReporter('ui')],
  },
});
