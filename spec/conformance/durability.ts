/**
 * Acknowledged writes across broker crashes and restarts (`--faults process`): every write the
 * target acknowledged with acks=all is in the log after the restarts, once, at the offset it was
 * given, in the order it was acknowledged.
 *
 * checkLog judges the reads it has; a crash adds one way to lose a write that no read covers: the
 * log (its high watermark, once the cluster is whole again) ends before the acknowledged offset.
 * The workload's last read of a partition comes after the cluster is whole and its high watermark
 * has stopped waiting for the acknowledged writes, so an acknowledged offset at or past it is lost.
 */
import { type Anomaly, type Judgement, checkLog, combine, judgement } from './checkers.js';
import { type History, oks, pairs } from './history.js';

export interface DurabilityClauses {
  /** An acknowledged write lost, or read at another offset. */
  readonly durable: string;
  /** A record in the log twice (a retry appended again). */
  readonly duplicate: string;
  readonly order: string;
  readonly fetch: string;
}

export function checkAcknowledgedSurvive(history: History, clauses: DurabilityClauses): Judgement {
  const logged = checkLog(history, { durable: clauses.durable, order: clauses.order, fetch: clauses.fetch });
  const relabelled = logged.anomalies.map((a) => (a.name === 'duplicate' ? { ...a, clauseId: clauses.duplicate } : a));
  const logEnd = new Map<string, { highWatermark: number; op: number }>();
  for (const { ok } of oks(history, 'read')) {
    const read = ok.value as { partition: string; highWatermark: number };
    logEnd.set(read.partition, { highWatermark: read.highWatermark, op: ok.index });
  }
  const lost: Anomaly[] = [];
  const unknowns: string[] = [];
  for (const { invoke, completion } of pairs(history)) {
    if (invoke.f !== 'produce' || completion?.type !== 'ok') continue;
    const produce = invoke.value as { partition: string; values: string[]; acks: number };
    if (produce.acks === 0) continue;
    const lastOffset = (completion.value as { baseOffset: number }).baseOffset + produce.values.length - 1;
    const end = logEnd.get(produce.partition);
    if (end === undefined) unknowns.push(`${produce.partition}: never read after the restarts`);
    else if (lastOffset >= end.highWatermark) {
      lost.push({ name: 'lost-write', clauseId: clauses.durable, detail: `${produce.partition}: ${produce.values.join(', ')} acknowledged up to offset ${lastOffset}; the log ends at ${end.highWatermark} after the restarts`, ops: [invoke.index, completion.index, end.op] });
    }
  }
  // A lost write past the log end is named once, by this checker, not also as unread by checkLog.
  const unread = logged.unknowns.filter((u) => !u.endsWith('no read covers it') || lost.length === 0);
  return combine(judgement(relabelled, unread), judgement(lost, unknowns));
}
