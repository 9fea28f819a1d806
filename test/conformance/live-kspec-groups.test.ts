/** The group suites against `kspec up`: every applicable check passes (KIP-848 is not served: not applicable). */
import { describe, expect, it } from 'vitest';
import { allChecks } from '../../src/conformance/checks/index.js';
import { evidence, suiteAgainstLive } from '../../src/conformance/live-kspec.js';

describe('the group suites against a live kspec cluster', () => {
  it('groups and consumer-groups: every applicable check passes', async () => {
    const checks = allChecks.filter((c) => c.suite === 'groups' || c.suite === 'consumer-groups');
    const { run, verdicts } = await suiteAgainstLive('kraft', checks);
    expect(Object.values(verdicts).every((v) => v === 'pass' || v === 'not-applicable'), evidence(run)).toBe(true);
    for (const result of run.results.filter((r) => r.verdict === 'not-applicable')) expect(result.reason, result.id).toMatch(/the target offers none$/);
  }, 60_000);
});
