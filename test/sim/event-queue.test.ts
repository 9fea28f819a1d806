import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EventQueue } from '../../src/sim/event-queue.js';

describe('the event queue orders by (time, sequence)', () => {
  it('pops in time order, ties in insertion order, and skips cancelled entries', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.boolean()), { maxLength: 200 }), (items) => {
        const queue = new EventQueue<number>();
        const entries = items.map(([time], i) => queue.push(time, i));
        items.forEach(([, cancel], i) => cancel && queue.cancel(entries[i]!));
        const expected = items
          .map(([time, cancel], i) => ({ time, i, cancel }))
          .filter((x) => !x.cancel)
          .sort((a, b) => a.time - b.time || a.i - b.i)
          .map((x) => x.i);
        expect(queue.size).toBe(expected.length);
        const popped: number[] = [];
        for (let e = queue.pop(); e !== undefined; e = queue.pop()) popped.push(e.item);
        expect(popped).toEqual(expected);
      }),
      { seed: 42, numRuns: 200 },
    );
  });
});
