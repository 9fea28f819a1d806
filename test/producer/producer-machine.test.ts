/**
 * The producer machine against a one-broker world (harness.ts): identity, batching, in-flight
 * limits, retries, the error paths of protocol-rules A.5, and, as properties over random seeds,
 * PROD-IDEM-1/2 (no duplicates, no reordering) for the idempotent producer over a lossy,
 * reordering network — and their failure without idempotence.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ProducerWorld } from './harness.js';
import { resolveProducerConfig } from '../../src/machines/producer/config.js';

/** The first send fetches the topic's metadata (KafkaProducer.waitOnMetadata); later sends are placed at once. */
function warmUp(w: ProducerWorld): void {
  w.send('warm-up', 'w', 0);
  w.runUntil(w.now + 1_000);
}

const produces = (w: ProducerWorld) => w.sent.filter((m) => m.type === 'Produce') as Extract<ProducerWorld['sent'][number], { type: 'Produce' }>[];

describe('producer machine: identity and batching', () => {
  it('asks for a producer id, then metadata, then sends batches numbered from sequence 0 under epoch 0', () => {
    const w = new ProducerWorld({ seed: 1, partitions: 1 });
    expect(w.state).toContain('Initializing');
    expect(w.sent[0]?.type).toBe('InitProducerId');
    w.runUntil(10);
    expect(w.state).toBe('"Ready"');
    w.send('a');
    w.send('b');
    w.send('c');
    w.runUntil(100);
    const p = produces(w);
    expect(p).toHaveLength(1); // one batch: the three records came within linger.ms
    expect(p[0]).toMatchObject({ producerId: 1000, producerEpoch: 0, baseSequence: 0, acks: -1 });
    expect(p[0]?.records.map((r) => r.value)).toEqual(['v1', 'v2', 'v3']);
    expect(w.deliveries.map((d) => [d.sendId, d.offset, d.error])).toEqual([[1, 0, null], [2, 1, null], [3, 2, null]]);
    w.send('d');
    w.runUntil(200);
    expect(produces(w)[1]).toMatchObject({ baseSequence: 3 });
  });

  it('stamps each record with CreateTime, the time send() was called (KafkaProducer.doSend), not the time its batch goes out', () => {
    const w = new ProducerWorld({ seed: 1, partitions: 1, settings: { lingerMs: 50 } });
    w.runUntil(10);
    warmUp(w);
    const first = w.now;
    w.send('a');
    w.runUntil(first + 20);
    w.send('b');
    w.runUntil(first + 200);
    const batch = produces(w).at(-1)!;
    expect(batch.records.map((r) => r.timestamp)).toEqual([first, first + 20]);
  });

  it('closes a batch at batch.size and opens the next one', () => {
    const w = new ProducerWorld({ seed: 2, partitions: 1, settings: { batchSize: 120, lingerMs: 50 } });
    w.runUntil(10);
    for (let i = 0; i < 6; i++) w.send('k', 'x'.repeat(20));
    w.runUntil(200);
    const sizes = produces(w).map((p) => p.records.length);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(6);
    expect(sizes.length).toBeGreaterThan(1);
    // A full batch went out before linger.ms passed.
    expect(sizes[0]).toBeLessThan(6);
  });

  it('keeps at most max.in.flight.requests.per.connection requests to a broker', () => {
    const w = new ProducerWorld({ seed: 3, partitions: 1, answerDelayMs: 200, settings: { lingerMs: 0, requestTimeoutMs: 1_000 } });
    warmUp(w);
    for (let i = 0; i < 8; i++) {
      w.send('k');
      w.runUntil(w.now + 2);
    }
    w.runUntil(w.now + 100);
    // No answer yet: five requests out, three batches waiting.
    expect(produces(w)).toHaveLength(1 + 5);
    expect(w.deliveries).toHaveLength(1);
    w.runUntil(w.now + 1_000);
    expect(w.deliveries.filter((d) => d.error === null).map((d) => d.offset)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('max.in.flight=1 without idempotence: one request at a time', () => {
    const w = new ProducerWorld({ seed: 3, partitions: 1, answerDelayMs: 200, settings: { enableIdempotence: false, maxInFlightRequestsPerConnection: 1, lingerMs: 0 } });
    warmUp(w);
    for (let i = 0; i < 4; i++) {
      w.send('k');
      w.runUntil(w.now + 2);
    }
    w.runUntil(w.now + 100);
    expect(produces(w)).toHaveLength(1 + 1);
    expect(produces(w)[0]?.producerId).toBeUndefined();
  });

  it('keyed records follow murmur2; unkeyed ones stick to a partition until batch.size bytes went to it', () => {
    const w = new ProducerWorld({ seed: 9, partitions: 4, settings: { batchSize: 200, lingerMs: 1_000 } });
    warmUp(w);
    const keyed = ['21', 'foobar', 'abc'].map((k) => w.send(k));
    // murmur2 of "21", "foobar", "abc" (UtilsTest vectors), modulo 4.
    expect(keyed.map((id) => w.appended.get(id))).toEqual([(-973932308 & 0x7fffffff) % 4, (-790332482 & 0x7fffffff) % 4, 479470107 % 4]);
    const unkeyed = Array.from({ length: 12 }, () => w.send(null, 'x'.repeat(30)));
    const parts = unkeyed.map((id) => w.appended.get(id) as number);
    // Runs of one partition: it switches only after about batch.size bytes (5 records of ~37 bytes).
    const runs: number[] = [];
    for (const p of parts) if (runs.length === 0 || runs[runs.length - 1] !== p) runs.push(p);
    expect(runs.length).toBeGreaterThan(1);
    expect(runs.length).toBeLessThanOrEqual(4);
  });

  it('the priority partitioner sends priority: keys to the reserved last partition', () => {
    const w = new ProducerWorld({ seed: 10, partitions: 4, settings: { partitioner: 'priority' } });
    warmUp(w);
    const urgent = ['priority:a', 'priority:b'].map((k) => w.appended.get(w.send(k)));
    const normal = Array.from({ length: 20 }, (_, i) => w.appended.get(w.send(`user-${i}`)) as number);
    expect(urgent).toEqual([3, 3]);
    expect(normal.every((p) => p < 3)).toBe(true);
    expect(new Set(normal).size).toBe(3);
  });

  it('round-robin spreads records over the partitions in turn, keys or not', () => {
    const w = new ProducerWorld({ seed: 11, partitions: 3, settings: { partitioner: 'round-robin' } });
    warmUp(w);
    // The warm-up record named its partition; the counter starts with the next one.
    expect(['a', 'a', null, 'b', 'a', 'c'].map((k) => w.appended.get(w.send(k)))).toEqual([0, 1, 2, 0, 1, 2]);
  });
});

describe('producer machine: errors', () => {
  it('retries NOT_LEADER_OR_FOLLOWER with the same sequence after refreshing metadata', () => {
    let failures = 2;
    const w = new ProducerWorld({ seed: 4, partitions: 1, inject: () => (failures-- > 0 ? 'NOT_LEADER_OR_FOLLOWER' : null) });
    w.runUntil(10);
    w.send('a');
    w.runUntil(1_000);
    const p = produces(w);
    expect(p).toHaveLength(3);
    expect(p.map((m) => m.baseSequence)).toEqual([0, 0, 0]);
    expect(w.sent.filter((m) => m.type === 'Metadata').length).toBeGreaterThanOrEqual(2);
    expect(w.deliveries).toEqual([{ sendId: 1, partition: 0, offset: 0, error: null, definite: true, sequenceReset: false }]);
  });

  it('OUT_OF_ORDER_SEQUENCE_NUMBER for the next expected batch: the broker lost the state, so the epoch is bumped and sequences restart at 0', () => {
    let once = true;
    const w = new ProducerWorld({ seed: 5, partitions: 1, inject: (m) => (m.baseSequence === 1 && m.producerEpoch === 0 && once ? ((once = false), 'OUT_OF_ORDER_SEQUENCE_NUMBER') : null) });
    w.runUntil(10);
    w.send('a');
    w.runUntil(100);
    w.send('b');
    w.runUntil(1_000);
    const p = produces(w);
    expect(p.map((m) => [m.producerEpoch, m.baseSequence])).toEqual([[0, 0], [0, 1], [1, 0]]);
    expect(w.deliveries.every((d) => d.error === null)).toBe(true);
    expect(w.deliveries[1]?.sequenceReset).toBe(true);
  });

  it('INVALID_PRODUCER_EPOCH fails the batch and bumps the epoch for the partition', () => {
    let once = true;
    const w = new ProducerWorld({ seed: 6, partitions: 1, inject: () => (once ? ((once = false), 'INVALID_PRODUCER_EPOCH') : null) });
    w.runUntil(10);
    w.send('a');
    w.runUntil(100);
    w.send('b');
    w.runUntil(300);
    expect(w.deliveries[0]).toMatchObject({ sendId: 1, error: 'INVALID_PRODUCER_EPOCH', definite: true });
    expect(w.deliveries[1]).toMatchObject({ sendId: 2, error: null });
    expect(produces(w)[1]).toMatchObject({ producerEpoch: 1, baseSequence: 0 });
  });

  it('a bump for one partition does not fail another partition\'s old-epoch batch: it retries with its old epoch and sequence (review regression)', () => {
    let p0 = true;
    let p1 = true;
    const w = new ProducerWorld({ seed: 12, partitions: 2, answerDelayMs: 20, inject: (m) => {
      if (m.records[0]?.value === 'a' && p0) return (p0 = false), 'INVALID_PRODUCER_EPOCH';
      if (m.records[0]?.value === 'b' && p1) return (p1 = false), 'NOT_LEADER_OR_FOLLOWER';
      return null;
    } });
    warmUp(w);
    const a = w.send('x', 'a', 0);
    const b = w.send('y', 'b', 1);
    w.runUntil(w.now + 2_000);
    const byId = new Map(w.deliveries.map((d) => [d.sendId, d]));
    expect(byId.get(a)?.error).toBe('INVALID_PRODUCER_EPOCH');
    expect(byId.get(b)?.error).toBeNull();
    const retries = produces(w).filter((m) => m.partition === 1 && m.records[0]?.value === 'b');
    expect(retries.map((m) => [m.producerEpoch, m.baseSequence])).toEqual([[0, 0], [0, 0]]);
  });

  it('PRODUCER_FENCED is fatal: queued and later sends fail', () => {
    const w = new ProducerWorld({ seed: 7, partitions: 1, inject: () => 'PRODUCER_FENCED' });
    w.runUntil(10);
    w.send('a');
    w.runUntil(100);
    expect(w.state).toBe('"FatalError"');
    w.send('b');
    expect(w.deliveries.map((d) => d.error)).toEqual(['PRODUCER_FENCED', 'PRODUCER_FENCED']);
  });

  it('a batch never answered fails at delivery.timeout.ms, and its sequence is resolved by an epoch bump', () => {
    let drop = true;
    const w = new ProducerWorld({ seed: 8, partitions: 1, settings: { deliveryTimeoutMs: 1_000 }, inject: () => (drop ? 'REQUEST_TIMED_OUT' : null) });
    w.runUntil(10);
    w.send('a');
    w.runUntil(1_200);
    expect(w.deliveries[0]).toMatchObject({ sendId: 1, error: expect.stringContaining('TimeoutException'), definite: false });
    drop = false;
    w.send('b');
    w.runUntil(2_000);
    expect(w.deliveries[1]).toMatchObject({ sendId: 2, error: null });
    // The expired batch had been retried: its sequence was unresolved, so the next batch starts a new epoch at 0.
    expect(produces(w).at(-1)).toMatchObject({ producerEpoch: 1, baseSequence: 0 });
  });
});

describe('producer configuration (ProducerConfig rules)', () => {
  it('explicit idempotence with acks=1 is a configuration error; defaulted idempotence turns itself off', () => {
    expect(resolveProducerConfig({ enableIdempotence: true, acks: 1 })).toMatchObject({ ok: false });
    const quiet = resolveProducerConfig({ acks: 1 });
    expect(quiet.ok && quiet.config.enableIdempotence).toBe(false);
    expect(resolveProducerConfig({ maxInFlightRequestsPerConnection: 6, enableIdempotence: true })).toMatchObject({ ok: false });
    const raised = resolveProducerConfig({ lingerMs: 100, requestTimeoutMs: 1_000 });
    expect(raised.ok && raised.config.deliveryTimeoutMs).toBe(120_000);
    expect(resolveProducerConfig({ deliveryTimeoutMs: 500, requestTimeoutMs: 1_000 })).toMatchObject({ ok: false });
    expect(resolveProducerConfig({ acks: 2 as never })).toMatchObject({ ok: false });
  });
});

describe('PROD-IDEM-1/2 over a lossy, reordering network', () => {
  it('idempotent producer: no acknowledged record twice, none out of order', () => {
    let allowed = 0;
    fc.assert(fc.property(fc.integer({ min: 1, max: 1_000_000 }), (seed) => {
      const w = new ProducerWorld({ seed, partitions: 2, loss: 0.15, jitterMs: 40, settings: { lingerMs: 2 } });
      for (let t = 0; t < 60; t++) {
        w.send(t % 3 === 0 ? null : `k${t % 5}`);
        w.runUntil(w.now + 7);
      }
      w.runUntil(w.now + 20_000);
      const verdict = w.verdict();
      expect(verdict.duplicates.anomalies, `seed ${seed}`).toEqual([]);
      expect(verdict.order.anomalies, `seed ${seed}`).toEqual([]);
      allowed += verdict.findings.length;
      // Everything was answered, one way or another.
      expect(new Set(w.deliveries.map((d) => d.sendId)).size).toBe(60);
    }), { numRuns: 40, seed: 42 });
    // The allowed windows (an epoch bump renumbering a batch in flight, a first batch accepted without state) do occur here.
    expect(allowed).toBeGreaterThan(0);
  });

  it('without idempotence (retries, 5 in flight) the same network duplicates and reorders', () => {
    let duplicates = 0;
    let reorders = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const w = new ProducerWorld({ seed, partitions: 2, loss: 0.15, jitterMs: 40, settings: { enableIdempotence: false, lingerMs: 2 } });
      for (let t = 0; t < 60; t++) {
        w.send(`k${t % 5}`);
        w.runUntil(w.now + 7);
      }
      w.runUntil(w.now + 20_000);
      const verdict = w.verdict();
      expect(verdict.findings.every((f) => !f.allowed)).toBe(true);
      duplicates += verdict.duplicates.anomalies.length;
      reorders += verdict.order.anomalies.length;
    }
    expect(duplicates).toBeGreaterThan(0);
    expect(reorders).toBeGreaterThan(0);
  });
});

