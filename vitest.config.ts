import { defineConfig } from 'vitest/config';
import SummaryReporter from './test/support/summary-reporter.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', new SummaryReporter()],
    // Two workers on 2 cores: vitest's default (one less than the cores) runs the files one at a time,
    // and the live and conformance tests spend most of their time waiting on Kafka's timers.
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
