/**
 * A run's outcome, the same way for every model: each clause PASS, FAIL (with the step, time and
 * message) or SKIP (not judged, and why); and an exploration's shrunk counterexample.
 */
import type { Clause, Violation } from '../../../spec/clause.js';
import { renderFault, type TimedFault } from '../../sim/faults.js';
import { say } from '../output.js';

export interface ClauseVerdict {
  readonly id: string;
  readonly title: string;
  readonly kind: Clause['kind'];
  readonly verdict: 'pass' | 'fail' | 'skip';
  /** Why a clause was not judged. */
  readonly reason?: string;
  readonly step?: number;
  readonly timeMs?: number;
  readonly message?: string;
}

/** A run the simulator cut at --max-steps never reached its end, where liveness and histories are judged. */
export function cutAtMaxSteps(steps: number, maxSteps: number): boolean {
  return steps >= maxSteps;
}

/**
 * The verdicts of `clauses`. A violation stops the run, so clauses judged at its end are not
 * judged then; nor in a run cut at max steps: its liveness "failure" is only the cut, and is dropped.
 */
export function judge(clauses: readonly Clause[], violations: readonly Violation[], cut: { maxSteps: number } | null): { verdicts: ClauseVerdict[]; violations: Violation[] } {
  const byId = new Map(clauses.map((c) => [c.id, c]));
  const real = cut === null ? [...violations] : violations.filter((v) => byId.get(v.clauseId)?.kind !== 'liveness');
  const failed = new Map(real.map((v) => [v.clauseId, v]));
  const verdicts = clauses.map((clause): ClauseVerdict => {
    const base = { id: clause.id, title: clause.title, kind: clause.kind };
    const violation = failed.get(clause.id);
    if (violation !== undefined) return { ...base, verdict: 'fail', step: violation.step, timeMs: violation.time, message: violation.message };
    if (clause.kind !== 'invariant' && real.length > 0) return { ...base, verdict: 'skip', reason: 'the run stopped at the first violation' };
    if (clause.kind !== 'invariant' && cut !== null) return { ...base, verdict: 'skip', reason: `run cut at max steps (${cut.maxSteps})` };
    return { ...base, verdict: 'pass' };
  });
  return { verdicts, violations: real };
}

export function printVerdicts(verdicts: readonly ClauseVerdict[]): void {
  for (const v of verdicts) {
    const detail = v.verdict === 'fail' ? `\n     step ${v.step} t=${v.timeMs}ms: ${v.message}` : v.verdict === 'skip' ? ` (not judged: ${v.reason})` : '';
    say(`${v.verdict.toUpperCase()} ${v.id} ${v.title}${detail}`);
  }
}

export interface ExploredCounterexample {
  readonly runsTried: number;
  readonly findMs: number | null;
  readonly shrinkMs: number;
  readonly shrinks: number;
  readonly seed: number;
  readonly faults: readonly TimedFault[];
  readonly violation: Violation | undefined;
}

export function printCounterexample(c: ExploredCounterexample): void {
  say(`found after ${c.runsTried} runs in ${((c.findMs ?? 0) / 1000).toFixed(1)}s; shrunk in ${c.shrinks} steps, ${(c.shrinkMs / 1000).toFixed(1)}s`);
  say(`counterexample: sim seed ${c.seed}, ${c.faults.length} fault(s), violated at step ${c.violation?.step} (t=${c.violation?.time}ms):`);
  for (const f of c.faults) say(`  t=${f.atMs}ms ${renderFault(f.fault)}`);
  say(`violation: ${c.violation?.clauseId}: ${c.violation?.message}`);
}

export function counterexampleJson(c: ExploredCounterexample) {
  return {
    simSeed: c.seed, runsTried: c.runsTried, findMs: c.findMs, shrinkMs: c.shrinkMs, shrinks: c.shrinks,
    faults: c.faults.map((f) => ({ atMs: f.atMs, fault: renderFault(f.fault) })),
    violation: c.violation === undefined ? null : { clauseId: c.violation.clauseId, step: c.violation.step, timeMs: c.violation.time, message: c.violation.message },
  };
}
