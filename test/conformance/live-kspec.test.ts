/**
 * The suite against `kspec up` (a live cluster in this process): every applicable check passes.
 * Split in two files by suite so that each stays short; `npm run conform:variants -- kraft` runs
 * the whole suite at once and prints its wall time.
 */
import { describe, expect, it } from 'vitest';
import { allChecks } from '../../src/conformance/checks/index.js';
import { evidence, suiteAgainstLive } from '../../src/conformance/live-kspec.js';

describe('the suite against a live kspec cluster', () => {
  it('protocol, log and idempotence: every applicable check passes', async () => {
    const checks = allChecks.filter((c) => c.suite === 'protocol' || c.suite === 'log' || c.suite === 'idempotence');
    const { run, verdicts } = await suiteAgainstLive('kraft', checks);
    expect(Object.values(verdicts).every((v) => v === 'pass' || v === 'not-applicable'), evidence(run)).toBe(true);
    // Not applicable only for an API kspec up does not serve (DeleteRecords, ConsumerGroupHeartbeat), never for want of brokers.
    for (const result of run.results.filter((r) => r.verdict === 'not-applicable')) expect(result.reason, result.id).toMatch(/the target offers none$/);
  }, 60_000);
});
