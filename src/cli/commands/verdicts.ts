/**
 * Printing a run's outcome the same way for every model: each clause PASS, FAIL (with the step,
 * time and message) or SKIP (judged only at the end of a run that stopped early); and an
 * exploration's shrunk counterexample.
 */
import type { Clause, Violation } from '../../../spec/clause.js';
import { renderFault, type TimedFault } from '../../sim/faults.js';

export function printClauseVerdicts(clauses: readonly Clause[], violations: readonly Violation[]): void {
  const failed = new Map(violations.map((v) => [v.clauseId, v]));
  const stopped = violations.length > 0;
  for (const clause of clauses) {
    const violation = failed.get(clause.id);
    const judgedAtEnd = clause.kind === 'liveness' || clause.kind === 'history';
    const verdict = violation !== undefined ? 'FAIL' : stopped && judgedAtEnd ? 'SKIP' : 'PASS';
    const detail = violation !== undefined
      ? `\n     step ${violation.step} t=${violation.time}ms: ${violation.message}`
      : verdict === 'SKIP' ? ' (not judged: the run stopped at the first violation)' : '';
    console.log(`${verdict} ${clause.id} ${clause.title}${detail}`);
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
  console.log(`found after ${c.runsTried} runs in ${((c.findMs ?? 0) / 1000).toFixed(1)}s; shrunk in ${c.shrinks} steps, ${(c.shrinkMs / 1000).toFixed(1)}s`);
  console.log(`counterexample: sim seed ${c.seed}, ${c.faults.length} fault(s), violated at step ${c.violation?.step} (t=${c.violation?.time}ms):`);
  for (const f of c.faults) console.log(`  t=${f.atMs}ms ${renderFault(f.fault)}`);
  console.log(`violation: ${c.violation?.clauseId}: ${c.violation?.message}`);
}
