/**
 * `--faults proxy` against `kspec up`: through a seeded proxy that drops, delays and duplicates
 * responses and cuts connections, no check fails (a lost answer is indefinite: at worst unknown),
 * and the proxy did inject faults.
 */
import { describe, expect, it } from 'vitest';
import { allChecks } from '../../src/conformance/checks/index.js';
import { proxyTarget } from '../../src/conformance/faults/proxy.js';
import { runSuite } from '../../src/conformance/run.js';
import { parseTarget } from '../../src/conformance/target.js';
import { SUITE_OVERRIDES } from '../../src/conformance/live-kspec.js';
import { startLiveCluster } from '../../src/runtime/cluster.js';
import { liveConfig } from '../../src/runtime/config.js';

describe('--faults proxy against a live kspec cluster', () => {
  it('no check fails; dropped, duplicated and cut responses are indefinite', async () => {
    const cluster = await startLiveCluster({ brokers: 3, controllers: 1, host: '127.0.0.1', port: 0, config: liveConfig(SUITE_OVERRIDES), variant: 'kraft' });
    try {
      await cluster.ready(30_000);
      const { proxies, endpoints } = await proxyTarget(parseTarget(`kafka://${cluster.bootstrapServers}`), 3, { dropRate: 0.05, duplicateRate: 0.05, cutRate: 0.03, delayRate: 0.1, delayMsMax: 100 });
      try {
        const checks = allChecks.filter((c) => c.suite === 'log' || c.suite === 'idempotence');
        const run = await runSuite({ target: 'proxied', endpoints, seed: 3, runId: 'proxy', checks, requestTimeoutMs: 1000 });
        const failed = run.results.filter((r) => r.verdict === 'fail');
        expect(failed.map((r) => `${r.id}: ${r.anomalies.map((a) => a.detail).join('; ')}`)).toEqual([]);
        const { dropped, duplicated, cut, responses } = proxies.counts;
        expect(responses).toBeGreaterThan(20);
        expect(dropped + duplicated + cut).toBeGreaterThan(0);
      } finally {
        await proxies.close();
      }
    } finally {
      await cluster.close();
    }
  }, 90_000);
});
