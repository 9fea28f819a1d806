/**
 * `kspec clauses [ID]`: the spec's clauses from spec/'s own list. Without an id, one line each
 * (id, kind, title); with one, its statement, source, anomaly, and where it is checked: when in a
 * run it is judged (by its kind) and which kspec runs judge it (by its family).
 */
import { UsageError } from '../args.js';
import { allClauses } from '../../../spec/index.js';
import type { Clause, ClauseKind } from '../../../spec/clause.js';

const WHEN: Record<ClauseKind, string> = {
  invariant: 'after every step of a run; the run stops at the first violation',
  liveness: 'at the end of a run, once faults have healed: it must converge within the liveness bound',
  history: 'at the end of a run, over the recorded history of what clients were told and saw',
};

/** Which runs judge a family of clauses, by its id's prefix. */
const WHERE: readonly [RegExp, string][] = [
  [/^QUORUM-/, 'kspec sim/sweep/explore --model quorum; quorum scenarios (scenarios/quorum/, `check`)'],
  [/^REPL-/, 'kspec sim/sweep/explore (replication model); replication, producer and group scenarios (`check`)'],
  [/^PROD-/, 'kspec sim/sweep when the producer machine writes (the seed or --no-idempotence picks it); producer scenarios with producer=idempotent|plain (`check`)'],
  [/^(CG|CGH|CONS)-/, 'kspec sim/sweep when the seed (or --group-protocol) runs a consumer group; group scenarios (`consumers`, then `check`)'],
];

export function whereChecked(clause: Clause): string {
  return WHERE.find(([prefix]) => prefix.test(clause.id))?.[1] ?? 'the runs of its model';
}

export function clausesCommand(options: { json: boolean }, positionals: string[]): number {
  const [id] = positionals;
  if (id === undefined) {
    if (options.json) console.log(JSON.stringify(allClauses.map(clauseJson), null, 2));
    else {
      const width = Math.max(...allClauses.map((c) => c.id.length));
      for (const c of allClauses) console.log(`${c.id.padEnd(width)}  ${c.kind.padEnd(9)}  ${c.title}`);
    }
    return 0;
  }
  const clause = allClauses.find((c) => c.id === id.toUpperCase());
  if (clause === undefined) {
    const family = id.toUpperCase().split('-')[0] ?? '';
    const near = allClauses.filter((c) => c.id.startsWith(`${family}-`)).map((c) => c.id);
    throw new UsageError(`no clause '${id}'; ${near.length > 0 ? `clauses of ${family}: ${near.join(', ')}` : 'kspec clauses lists them all'}`);
  }
  if (options.json) {
    console.log(JSON.stringify(clauseJson(clause), null, 2));
    return 0;
  }
  console.log(`${clause.id}: ${clause.title}`);
  console.log('');
  console.log(clause.statement);
  console.log('');
  console.log(`kind:    ${clause.kind}${clause.anomaly === undefined ? '' : `; anomaly reported: ${clause.anomaly}`}`);
  console.log(`source:  ${clause.source}`);
  console.log(`judged:  ${WHEN[clause.kind]}`);
  console.log(`checked: ${whereChecked(clause)}`);
  return 0;
}

const clauseJson = (c: Clause) => ({ id: c.id, title: c.title, kind: c.kind, statement: c.statement, source: c.source, anomaly: c.anomaly ?? null, judged: WHEN[c.kind], checked: whereChecked(c) });
