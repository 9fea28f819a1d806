/**
 * The suite against a live kspec cluster started in this process (`kspec up`'s cluster on ephemeral
 * ports): the verdicts by check, and the wall time from the cluster's start to the last verdict.
 */
import { allChecks } from './checks/index.js';
import type { Check } from './check.js';
import { type SuiteRun, runSuite } from './run.js';
import { parseTarget } from './target.js';
import { startLiveCluster } from '../runtime/cluster.js';
import { liveConfig } from '../runtime/config.js';

/** Kafka's group.initial.rebalance.delay.ms (3 s) only waits for more members; the workloads know theirs. */
export const SUITE_OVERRIDES = ['offsets.topic.num.partitions=3', 'group.initial.rebalance.delay.ms=0'];

export async function suiteAgainstLive(variant: string, checks: readonly Check[] = allChecks): Promise<{ run: SuiteRun; verdicts: Record<string, string>; wallMs: number }> {
  const started = Date.now();
  const cluster = await startLiveCluster({ brokers: 3, controllers: 1, host: '127.0.0.1', port: 0, config: liveConfig(SUITE_OVERRIDES), variant });
  try {
    await cluster.ready(30_000);
    const target = `kafka://${cluster.bootstrapServers}`;
    const run = await runSuite({ target, endpoints: parseTarget(target), seed: 7, runId: variant, checks });
    return { run, verdicts: Object.fromEntries(run.results.map((r) => [r.id, r.verdict])), wallMs: Date.now() - started };
  } finally {
    await cluster.close();
  }
}

/** A failing check's evidence, for an assertion message. */
export function evidence(run: SuiteRun): string {
  return run.results.filter((r) => r.verdict === 'fail' || r.verdict === 'unknown').map((r) => {
    // An unknown verdict names no anomaly: the history's last completions show where the workload stopped.
    const last = r.verdict === 'unknown' ? r.history.filter((op) => op.type !== 'invoke').slice(-12).map((op) => `  p${op.process} ${op.f} ${op.type}${op.error === undefined ? '' : ` ${op.error}`} at ${op.timeMs}`) : [];
    return [`${r.id}: ${r.verdict} ${r.reason} ${r.anomalies.map((a) => a.detail).join('; ')}`, ...last].join('\n');
  }).join('\n');
}
