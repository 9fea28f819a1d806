/**
 * Regression (the suite behind the fault proxy): a write whose answer was lost may be in the log,
 * so ListOffsets answers about its partition cannot be judged wrong; they are unknown.
 */
import { describe, expect, it } from 'vitest';
import { checkListOffsets } from '../../spec/conformance/checkers.js';
import type { History } from '../../spec/conformance/history.js';

const op = (index: number, rest: Record<string, unknown>) => ({ index, timeMs: index, process: 0, ...rest }) as History[number];

describe('LOG-LISTOFFSETS-1 with an indefinite write', () => {
  const history: History = [
    op(0, { type: 'invoke', f: 'produce', value: { partition: 't-0', values: ['a'], acks: -1, timestamps: [100] } }),
    op(1, { type: 'info', f: 'produce', value: null, error: 'no response' }),
    op(2, { type: 'invoke', f: 'produce', value: { partition: 't-0', values: ['b'], acks: -1, timestamps: [200] } }),
    op(3, { type: 'ok', f: 'produce', value: { partition: 't-0', baseOffset: 1 } }),
    op(4, { type: 'invoke', f: 'list-offsets', value: { partition: 't-0', timestamp: 50 } }),
    op(5, { type: 'ok', f: 'list-offsets', value: { offset: 0, timestamp: 100 } }),
  ];

  it('is unknown, not a wrong offset', () => {
    const judged = checkListOffsets(history, 'LOG-LISTOFFSETS-1', () => 0);
    expect(judged.anomalies).toEqual([]);
    expect(judged.verdict).toBe('unknown');
  });

  it('with the write acknowledged instead, the same answer is judged (and right)', () => {
    const acknowledged = history.map((o) => (o.index === 1 ? op(1, { type: 'ok', f: 'produce', value: { partition: 't-0', baseOffset: 0 } }) : o));
    expect(checkListOffsets(acknowledged, 'LOG-LISTOFFSETS-1', () => 0).verdict).toBe('valid');
  });
});
