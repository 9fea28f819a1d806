import { defineConfig } from 'vitest/config';
import SummaryReporter from './test/support/summary-reporter.js';

/** `npm run test:long` (KSPEC_LONG=1) also runs test/long/: tests too long for the suite's few minutes. */
const LONG = process.env['KSPEC_LONG'] === '1';
/** `npm run test:multiproc` (KSPEC_MULTIPROC=1) runs test/multiproc/: kill -9 of real `kspec node` processes, not yet reliable. */
const MULTIPROC = process.env['KSPEC_MULTIPROC'] === '1';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['**/node_modules/**', ...(LONG ? [] : ['test/long/**']), ...(MULTIPROC ? [] : ['test/multiproc/**'])],
    reporters: ['default', new SummaryReporter()],
    // Two workers on 2 cores: vitest's default (one less than the cores) runs the files one at a time,
    // and the live and conformance tests spend most of their time waiting on Kafka's timers.
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
