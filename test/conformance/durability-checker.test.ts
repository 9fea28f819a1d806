/** checkAcknowledgedSurvive: an acknowledged write past the log end after the restarts is lost; a retry appended twice is a duplicate of PROD-IDEM-1. */
import { describe, expect, it } from 'vitest';
import { checkAcknowledgedSurvive } from '../../spec/conformance/durability.js';
import type { History, Op } from '../../spec/conformance/history.js';

const clauses = { durable: 'REPL-ACK-1', duplicate: 'PROD-IDEM-1', order: 'REPL-ORDER-1', fetch: 'LOG-FETCH-1' };

function history(ops: Omit<Op, 'index' | 'timeMs'>[]): History {
  return ops.map((op, index) => ({ ...op, index, timeMs: index }));
}
const produce = (values: string[], baseOffset: number): Omit<Op, 'index' | 'timeMs'>[] => [
  { process: 1, type: 'invoke', f: 'produce', value: { partition: 't-0', values, acks: -1 } },
  { process: 1, type: 'ok', f: 'produce', value: { baseOffset } },
];
const read = (records: [number, string][], highWatermark: number): Omit<Op, 'index' | 'timeMs'>[] => [
  { process: 2, type: 'invoke', f: 'read', value: { partition: 't-0', fetchOffset: 0 } },
  { process: 2, type: 'ok', f: 'read', value: { partition: 't-0', fetchOffset: 0, highWatermark, logStartOffset: 0, records } },
];

describe('checkAcknowledgedSurvive', () => {
  it('valid when every acknowledged write is read back once at its offset', () => {
    const judged = checkAcknowledgedSurvive(history([...produce(['a', 'b'], 0), ...produce(['c'], 2), ...read([[0, 'a'], [1, 'b'], [2, 'c']], 3)]), clauses);
    expect(judged.verdict).toBe('valid');
  });

  it('an acknowledged write past the high watermark after the restarts is a lost-write of the durable clause', () => {
    const judged = checkAcknowledgedSurvive(history([...produce(['a', 'b'], 0), ...produce(['c'], 2), ...read([[0, 'a'], [1, 'b']], 2)]), clauses);
    expect(judged.verdict).toBe('invalid');
    expect(judged.anomalies).toEqual([expect.objectContaining({ name: 'lost-write', clauseId: 'REPL-ACK-1', detail: expect.stringContaining('c acknowledged up to offset 2; the log ends at 2') })]);
  });

  it('a record in the log twice is a duplicate of the idempotence clause', () => {
    const judged = checkAcknowledgedSurvive(history([...produce(['a'], 0), ...read([[0, 'a'], [1, 'a']], 2)]), clauses);
    expect(judged.anomalies.map((a) => [a.name, a.clauseId])).toEqual([['duplicate', 'PROD-IDEM-1']]);
  });

  it('unknown when a partition was never read after the restarts', () => {
    expect(checkAcknowledgedSurvive(history(produce(['a'], 0)), clauses).verdict).toBe('unknown');
  });
});
