/**
 * Targets judged by clauses instead of by wire workloads: `sim` (the reference cluster in the
 * simulator, deterministic from the seed, with every fault the seed draws) and `trace:FILE` (an
 * implementation's recorded events in kspec's trace format, replayed through the machines).
 *
 * Why the simulator runs its own workloads (its producer, consumers and groups, judged by spec/'s
 * checkers) rather than the wire checks on virtual time: the wire checks are written against real
 * sockets and real timers, and a second, virtual-time client beside them would be a second
 * implementation of every workload; the simulator's histories already go through the same spec
 * clauses the checks name. A check is then judged by the clauses of it the run judges: fail when
 * one is violated, pass when every judged one holds (the reason lists those not judged), not
 * applicable when the run judges none of them (the WIRE-* clauses: there is no wire in a model run).
 */
import type { Anomaly } from '../../spec/conformance/checkers.js';
import type { Clause } from '../../spec/clause.js';
import { groupClauses } from '../../spec/groups/clauses.js';
import { producerClauses } from '../../spec/producer/clauses.js';
import { quorumClauses } from '../../spec/quorum/clauses.js';
import { replicationClauses } from '../../spec/replication/clauses.js';
import { chosenClusterOptions } from '../sim/cluster/choices.js';
import { ClusterSimulation } from '../sim/cluster/simulation.js';
import type { ClusterOptions } from '../sim/cluster/options.js';
import { DEFAULT_MAX_STEPS } from '../sim/reproduce.js';
import { type TraceFile, TraceFormatError, parseTraceFile } from '../trace/format.js';
import { replayTrace } from '../trace/replay.js';
import type { Check } from './check.js';
import type { CheckResult, SuiteRun } from './run.js';
import { needText } from './check.js';

/** A model run's outcome as the suite reads it: the clauses it judged, and each violation as "CLAUSE: message". */
export interface ClauseOutcome {
  readonly judged: readonly Clause[];
  readonly violations: readonly string[];
  readonly note: string;
}

export class TraceTargetError extends Error {}

/**
 * The reference cluster (variant kraft) for `seed`, faults on, with a classic consumer group so the
 * group clauses are judged too (the KIP-848 ones, CGH-*, are not: no member of this run speaks it).
 * `shape` lets a test shorten the run (the safety phase); the command runs the seed as drawn.
 */
export function simulateReference(seed: number, shape: (options: ClusterOptions) => ClusterOptions = (o) => o): ClusterOutcomeWithOptions {
  const options = shape(chosenClusterOptions(seed, { variant: 'kraft', maxSteps: DEFAULT_MAX_STEPS.replication, choices: { groupProtocol: 'classic', faults: true } }));
  const result = new ClusterSimulation({ options, recordTrace: false }).run();
  const cut = result.steps >= options.maxSteps;
  const judged = [...replicationClauses, ...(options.producer === 'raw' ? [] : producerClauses), ...(options.group === null ? [] : groupClauses.filter((c) => !c.id.startsWith('CGH-')))];
  return {
    judged: judged.filter((c) => !cut || c.kind === 'invariant'),
    violations: result.violations.map((v) => `${v.clauseId}: ${v.message}`),
    note: `simulated seed ${seed}: ${result.steps} steps, ${result.virtualTimeMs} ms of virtual time; writes acknowledged=${result.produced.acked} failed=${result.produced.failed} unknown=${result.produced.unknown}${cut ? '; cut at max steps: only invariants judged' : ''}`,
    options,
  };
}

export interface ClusterOutcomeWithOptions extends ClauseOutcome {
  readonly options: object;
}


/**
 * A trace file replayed through the machines. A malformed file, or one the machines do not
 * reproduce step for step (tampered, or not what the model does), is a TraceTargetError: one line.
 */
export function replayTarget(text: string, path: string): ClauseOutcome {
  let trace: TraceFile;
  try {
    trace = parseTraceFile(text);
  } catch (error) {
    if (error instanceof TraceFormatError) throw new TraceTargetError(`${path}: ${error.message}`);
    throw error;
  }
  const outcome = replayTrace(trace);
  if (!outcome.identical) {
    const where = outcome.step === 'end' ? 'at its end' : `at step ${outcome.step} (t=${outcome.time}ms)`;
    throw new TraceTargetError(`${path}: the machines do not reproduce it ${where}: ${outcome.difference.split('\n').map((l) => l.trim()).join(' ')}${outcome.versionNote}`);
  }
  const judged = trace.header.model === 'quorum' ? quorumClauses : [...replicationClauses, ...producerClauses, ...groupClauses];
  // A trace cut before its end (no `finished`) judges invariants only: histories and liveness need the whole run.
  const finished = trace.end.finished;
  return {
    judged: finished ? judged : judged.filter((c) => c.kind === 'invariant'),
    violations: outcome.violations,
    note: `replayed ${outcome.steps} steps of a ${trace.header.model} trace through the machines${finished ? '' : '; the trace ends before the run did: only invariants judged'}`,
  };
}

/** Each check judged by the clauses of it the outcome judges. */
export function resultsFromClauses(checks: readonly Check[], outcome: ClauseOutcome): CheckResult[] {
  const judgedIds = new Set(outcome.judged.map((c) => c.id));
  return checks.map((check): CheckResult => {
    const base = { id: check.id, suite: check.suite, title: check.title, clauses: check.clauses, needs: check.needs.map(needText), history: [], durationMs: 0 };
    const judged = check.clauses.filter((id) => judgedIds.has(id));
    const notJudged = check.clauses.filter((id) => !judgedIds.has(id));
    if (judged.length === 0) return { ...base, verdict: 'not-applicable', reason: `this run judges none of ${check.clauses.join(', ')}`, anomalies: [] };
    const anomalies: Anomaly[] = outcome.violations
      .map((line) => ({ clauseId: line.slice(0, line.indexOf(':')), detail: line.slice(line.indexOf(':') + 1).trim() }))
      .filter((v) => judged.includes(v.clauseId))
      .map((v) => ({ name: 'clause-violated', clauseId: v.clauseId, detail: v.detail, ops: [] }));
    const reason = `judged ${judged.join(', ')}${notJudged.length === 0 ? '' : `; not judged here: ${notJudged.join(', ')}`}`;
    return { ...base, verdict: anomalies.length > 0 ? 'fail' : 'pass', reason, anomalies };
  });
}

export function clauseSuiteRun(target: string, seed: number, checks: readonly Check[], outcome: ClauseOutcome, startedMs: number): SuiteRun {
  return { target, seed, runId: target, apiVersions: [], apiVersionsVersion: -1, startedAt: new Date(startedMs).toISOString(), durationMs: Date.now() - startedMs, results: resultsFromClauses(checks, outcome) };
}
