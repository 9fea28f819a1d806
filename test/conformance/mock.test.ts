/**
 * The whole suite against librdkafka's mock cluster (tools/mockcluster), the one broker written by
 * others that runs here: the verdicts must be exactly those docs/conformance/librdkafka-mock.md
 * explains, check by check. Then the reports of that run: the JSON decodes with its io-ts codec,
 * the JUnit XML parses with a JUnit parser (junit2json) and agrees with the verdicts, and the HTML
 * page renders in Chromium without console errors.
 *
 * Skipped, saying why, where librdkafka-dev, a C compiler or Chromium is missing (.ci/run installs them).
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseJunit } from 'junit2json';
import { allChecks } from '../../src/conformance/checks/index.js';
import { type MockCluster, mockUnavailableReason, startMock } from '../../src/conformance/mockcluster.js';
import { type SuiteRun, runSuite } from '../../src/conformance/run.js';
import { parseTarget } from '../../src/conformance/target.js';
import { parseReport } from '../../src/conformance/report/json.js';
import { writeReports } from '../../src/cli/commands/conform.js';

/** The mock's verdicts, each explained in docs/conformance/librdkafka-mock.md. */
const EXPECTED = {
  'protocol/api-versions': 'pass',
  'protocol/api-versions-unknown-version': 'fail', // stray bytes instead of a v0 answer
  'protocol/metadata-consistency': 'fail', // controllerId 0 with brokers 1-3
  'protocol/unknown-topic-metadata': 'not-applicable', // Metadata v0-2
  'protocol/unknown-topic-or-partition': 'pass',
  'protocol/not-leader': 'pass',
  'protocol/leader-epoch-fencing': 'not-applicable', // Metadata v0-2: no leader epochs
  'protocol/create-topics-bad-input': 'not-applicable', // no CreateTopics
  'log/produce-acks': 'pass',
  'log/fetch-high-watermark': 'pass',
  'log/list-offsets': 'fail', // no lookup by timestamp
  'log/delete-records': 'not-applicable', // no DeleteRecords
  'idempotence/init-producer-id': 'pass',
  'idempotence/sequence-rules': 'fail', // sequences checked for transactional producers only
  'idempotence/retry-after-lost-response': 'fail', // the same
  'faults/process-kill-restart': 'not-applicable', // needs --faults process
  'consumer-groups/member-epochs': 'not-applicable', // no ConsumerGroupHeartbeat (KIP-848)
  'groups/session-timeout': 'fail', // no MEMBER_ID_REQUIRED (KIP-394); the expiry itself holds
  'groups/commit-resume': 'fail', // no MEMBER_ID_REQUIRED (KIP-394); the commits survive the rebalance
  'groups/join-sync': 'fail', // no MEMBER_ID_REQUIRED (KIP-394)
  'groups/generation-rules': 'fail', // the above, and commits refused in PreparingRebalance and Empty
  'groups/static-membership': 'not-applicable', // LeaveGroup v0-1: no group.instance.id
  'groups/protocol-choice': 'unknown', // the mock aborts (an assertion) when first choices differ
} as const;

const EXPECTED_ANOMALIES: Record<string, string[]> = {
  'protocol/api-versions-unknown-version': ['malformed-response'],
  'protocol/metadata-consistency': ['inconsistent-metadata'],
  'log/list-offsets': ['wrong-offset'],
  'idempotence/sequence-rules': ['duplicate', 'wrong-error-code'],
  'idempotence/retry-after-lost-response': ['duplicate'],
  'groups/join-sync': ['wrong-error-code'],
  'groups/session-timeout': ['wrong-error-code'],
  'groups/commit-resume': ['wrong-error-code'],
  'groups/generation-rules': ['wrong-error-code'],
};

const unavailable = mockUnavailableReason();

describe.skipIf(unavailable !== null)(`the suite against librdkafka's mock cluster${unavailable === null ? '' : ` (skipped: ${unavailable})`}`, () => {
  let mock: MockCluster;
  let run: SuiteRun;
  const out = mkdtempSync(join(tmpdir(), 'kspec-conform-'));

  beforeAll(async () => {
    mock = await startMock({ brokers: 3 });
    run = await runSuite({ target: mock.target, endpoints: parseTarget(mock.target), seed: 42, runId: 'ci', checks: allChecks });
    writeReports(run, ['json', 'junit', 'html'], out);
  }, 120_000);

  afterAll(async () => {
    await mock?.stop();
  });

  it('gives exactly the verdicts docs/conformance/librdkafka-mock.md explains', () => {
    expect(Object.fromEntries(run.results.map((r) => [r.id, r.verdict]))).toEqual(EXPECTED);
    for (const result of run.results) {
      expect([...new Set(result.anomalies.map((a) => a.name))].sort(), result.id).toEqual(EXPECTED_ANOMALIES[result.id] ?? []);
    }
  });

  it('covers every check of the suite', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(allChecks.map((c) => c.id).sort());
  });

  it('writes a JSON report its io-ts codec reads back', () => {
    const report = parseReport(readFileSync(join(out, 'conform.json'), 'utf8'));
    expect(report.counts).toEqual({ pass: 6, fail: 9, unknown: 1, 'not-applicable': 7 });
    expect(report.apiVersions.find((v) => v.name === 'Metadata')).toEqual({ apiKey: 3, name: 'Metadata', minVersion: 0, maxVersion: 2 });
    expect(() => parseReport(JSON.stringify({ ...report, counts: { pass: 'x' } }))).toThrow(/kspec.conform\/1/);
  });

  it('writes JUnit XML a JUnit parser reads with the same verdicts', async () => {
    const parsed = (await parseJunit(readFileSync(join(out, 'conform-junit.xml'), 'utf8'))) as {
      tests?: number; failures?: number; skipped?: number; errors?: number;
      testsuite?: { name?: string; testcase?: { name?: string; failure?: unknown[]; skipped?: unknown[]; error?: unknown[] }[] }[];
    };
    expect([parsed.tests, parsed.failures, parsed.skipped, parsed.errors]).toEqual([23, 9, 7, 1]);
    const verdicts = Object.fromEntries((parsed.testsuite ?? []).flatMap((suite) => (suite.testcase ?? []).map((c) => [c.name, c.failure !== undefined ? 'fail' : c.skipped !== undefined ? 'not-applicable' : c.error !== undefined ? 'unknown' : 'pass'])));
    expect(verdicts).toEqual(EXPECTED);
  });

  const chromium = '/usr/bin/chromium';
  it.skipIf(!existsSync(chromium))(`renders the HTML report in Chromium without console errors${existsSync(chromium) ? '' : ' (skipped: no /usr/bin/chromium)'}`, async () => {
    const { chromium: launcher } = await import('playwright-core');
    const browser = await launcher.launch({ executablePath: chromium, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('console', (message) => { if (message.type() === 'error') errors.push(message.text()); });
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(`file://${join(out, 'conform.html')}`);
      expect(errors).toEqual([]);
      expect(await page.locator('section').count()).toBe(23);
      expect(await page.locator('section h2 .verdict.fail').count()).toBe(9);
      expect(await page.locator('body').innerText()).toContain('controllerId 0 is not a listed broker');
      expect(await page.locator('body').innerText()).toContain('seed 42');
    } finally {
      await browser.close();
    }
  }, 30_000);
});
