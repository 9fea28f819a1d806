/**
 * The replication model's side of `kspec sim` and `kspec explore`: run a seed or explore fault
 * schedules, print the options first and every replication clause's verdict last.
 */
import { describeClusterOptions, clusterOptionsFromSeed } from '../../sim/cluster/options.js';
import { ClusterSimulation, type ClusterRunResult } from '../../sim/cluster/simulation.js';
import { clusterReproduceCommand, exploreCluster } from '../../sim/cluster/run.js';
import { writeTrace } from '../../sim/run.js';
import { replicationClauses } from '../../../spec/replication/clauses.js';
import { producerClauses } from '../../../spec/producer/clauses.js';
import type { Variant } from '../../variants.js';
import { printClauseVerdicts, printCounterexample } from './verdicts.js';

export function simReplication(seed: number, variant: string, maxSteps: number, unclean: boolean, tracePath: string | undefined, noIdempotence = false): number {
  const options = clusterOptionsFromSeed(seed, { variant, maxSteps, unclean, ...(noIdempotence ? { producer: 'plain' as const } : {}) });
  for (const line of describeClusterOptions(options)) console.log(line);
  const started = performance.now();
  const result = new ClusterSimulation({ options, recordTrace: tracePath !== undefined }).run();
  const wallMs = performance.now() - started;
  const path = tracePath ?? (result.violations.length > 0 ? `traces/seed-${seed}${variant === 'kraft' ? '' : `-${variant}`}.jsonl` : undefined);
  if (path !== undefined) {
    const traced = result.trace ?? new ClusterSimulation({ options, recordTrace: true }).run().trace;
    if (traced !== null) {
      writeTrace(path, traced as never);
      console.log(`trace: ${path} (${traced.length} lines)`);
    }
  }
  printReplicationVerdicts(result, wallMs);
  return result.violations.length === 0 ? 0 : 1;
}

export function printReplicationVerdicts(result: ClusterRunResult, wallMs: number): void {
  console.log(
    `steps=${result.steps} transitions=${result.transitions} virtual-time=${result.virtualTimeMs}ms wall=${wallMs.toFixed(0)}ms ` +
      `writes: acknowledged=${result.produced.acked} failed=${result.produced.failed} unknown=${result.produced.unknown}; consumed=${result.consumedRecords}; converged-at=${result.convergedAtMs === null ? 'never' : `${result.convergedAtMs}ms`}`,
  );
  printClauseVerdicts(result.options.producer === 'raw' ? replicationClauses : [...replicationClauses, ...producerClauses], result.violations);
  const f = result.producerFindings;
  if (f.allowedDuplicates + f.allowedReorders > 0) console.log(`producer anomalies allowed by Kafka's KIP-360 windows: ${f.allowedDuplicates} duplicate(s), ${f.allowedReorders} reordered record(s)`);
  if (result.allowedLostWrites.length > 0) {
    console.log(`lost-write anomalies allowed by unclean leader election: ${result.allowedLostWrites.length}`);
    for (const l of result.allowedLostWrites.slice(0, 5)) console.log(`  ${l.partition} offset ${l.offset}: acknowledged ${l.value}, final log has ${l.found}`);
  }
  if (result.violations.length > 0) {
    const first = result.violations[0];
    console.log(`violation of ${first?.clauseId} at seed ${result.options.seed}; reproduce with: ${clusterReproduceCommand(result.options)}`);
  }
}

export function exploreReplication(variant: Variant, runs: number, seed: number, out: string | undefined): number {
  console.log(`explore: replication variant=${variant.name} runs<=${runs} fast-check seed=${seed}${variant.breaks === null ? '' : ` (expected to break ${variant.breaks})`}`);
  const outcome = exploreCluster({ variant: variant.name, runs, seed });
  if (outcome.counterexample === null) {
    console.log(`no counterexample in ${outcome.runsTried} runs`);
    return 0;
  }
  const { faults, result, options } = outcome.counterexample;
  printCounterexample({ ...outcome, seed: options.seed, faults, violation: result.violations[0] });
  const path = out ?? `traces/explore-${variant.name}.jsonl`;
  if (result.trace !== null) {
    writeTrace(path, result.trace as never);
    console.log(`trace: ${path} (${result.trace.length - 1} steps)`);
  }
  return 1;
}
