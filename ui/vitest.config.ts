import { defineConfig } from 'vitest/config';
import CountReporter from './tests/count-reporter.ts';

// Unit tests of the UI-only helpers (router, i18n, formatting).
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    reporters: ['default', new CountReporter('unit')],
  },
});
