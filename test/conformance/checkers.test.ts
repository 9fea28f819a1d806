/**
 * The conformance checkers (spec/conformance/checkers.ts) on hand-made histories: each names its
 * anomaly, says valid when the history is right and unknown when an outcome is indefinite.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkAcknowledgedOffsets, checkApiVersions, checkClassicGroup, checkExpectedOutcomes, checkListOffsets, checkLog, checkMemberEpochs, checkMetadata } from '../../spec/conformance/checkers.js';
import type { Json, Op, OpType } from '../../spec/conformance/history.js';
import { checkProducerIds } from '../../src/conformance/checks/idempotence.js';

class H {
  readonly ops: Op[] = [];
  add(process: number, type: OpType, f: string, value: Json, extra: Partial<Op> = {}): this {
    this.ops.push({ index: this.ops.length, process, type, f, value, timeMs: this.ops.length, ...extra });
    return this;
  }
}

const LOG = { durable: 'REPL-ACK-1', order: 'D', fetch: 'LOG-FETCH-1' };
const names = (j: { anomalies: readonly { name: string }[] }) => j.anomalies.map((a) => a.name);

function produceThenRead(batches: string[][], read: [number, string][], highWatermark?: number): H {
  const h = new H();
  let offset = 0;
  for (const values of batches) {
    h.add(0, 'invoke', 'produce', { partition: 't-0', values, acks: -1 }).add(0, 'ok', 'produce', { baseOffset: offset });
    offset += values.length;
  }
  h.add(1, 'invoke', 'read', { partition: 't-0', fetchOffset: 0 }).add(1, 'ok', 'read', { partition: 't-0', fetchOffset: 0, highWatermark: highWatermark ?? offset, records: read });
  return h;
}

describe('checkLog', () => {
  it('a log read back as written is valid', () => {
    const h = produceThenRead([['a', 'b'], ['c']], [[0, 'a'], [1, 'b'], [2, 'c']]);
    expect(checkLog(h.ops, LOG).verdict).toBe('valid');
  });

  it('names lost-write, duplicate, skipped-offset, read-past-high-watermark and wrong-offset', () => {
    expect(names(checkLog(produceThenRead([['a', 'b']], [[0, 'a']]).ops, LOG))).toEqual(['lost-write']);
    expect(names(checkLog(produceThenRead([['a', 'b']], [[0, 'a'], [1, 'b'], [2, 'a']], 3).ops, LOG))).toEqual(['duplicate']);
    expect(names(checkLog(produceThenRead([['a'], ['b']], [[0, 'a'], [2, 'b']], 3).ops, LOG))).toContain('skipped-offset');
    expect(names(checkLog(produceThenRead([['a'], ['b']], [[0, 'a'], [1, 'b']], 1).ops, LOG))).toContain('read-past-high-watermark');
    expect(names(checkLog(produceThenRead([['a'], ['b']], [[0, 'b'], [1, 'a']]).ops, LOG))).toEqual(expect.arrayContaining(['wrong-offset', 'reorder']));
  });

  it('a retry acknowledged with its first offsets is neither a duplicate nor a reorder (regression: it was flagged reorder)', () => {
    const h = produceThenRead([['a', 'b'], ['a', 'b'], ['c']], [[0, 'a'], [1, 'b'], [2, 'c']]);
    // The second produce is the retry: Kafka answers it with base offset 0, not 2.
    (h.ops[3] as { value: unknown }).value = { baseOffset: 0 };
    (h.ops[5] as { value: unknown }).value = { baseOffset: 2 };
    expect(checkLog(h.ops, LOG).verdict).toBe('valid');
  });

  it('an acknowledged write no read covers is unknown, not valid', () => {
    const h = produceThenRead([['a'], ['b']], [[0, 'a']], 1);
    const judged = checkLog(h.ops, LOG);
    expect(judged.verdict).toBe('unknown');
  });

  it('property: any sequence of acknowledged batches read back in order is valid; dropping one record is a lost write', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 8 }), fc.nat(), (sizes, pick) => {
      let n = 0;
      const batches = sizes.map((size) => Array.from({ length: size }, () => `v${n++}`));
      const all = batches.flat().map((v, i) => [i, v] as [number, string]);
      expect(checkLog(produceThenRead(batches, all).ops, LOG).verdict).toBe('valid');
      const dropped = all.filter((_, i) => i !== pick % all.length);
      // The read still spans the whole log (its high watermark), so the missing record is a loss.
      expect(names(checkLog(produceThenRead(batches, dropped, all.length).ops, LOG))).toContain('lost-write');
    }));
  });
});

describe('checkAcknowledgedOffsets', () => {
  it('a gap after a write of unknown fate proves nothing; a gap between acknowledged writes is skipped-offset', () => {
    const gap = new H().add(0, 'invoke', 'produce', { partition: 'p', values: ['a'], acks: 1 }).add(0, 'ok', 'produce', { baseOffset: 0 })
      .add(0, 'invoke', 'produce', { partition: 'p', values: ['b'], acks: 1 }).add(0, 'ok', 'produce', { baseOffset: 5 });
    expect(names(checkAcknowledgedOffsets(gap.ops, 'O'))).toEqual(['skipped-offset']);
    const explained = new H().add(0, 'invoke', 'produce', { partition: 'p', values: ['a'], acks: 1 }).add(0, 'ok', 'produce', { baseOffset: 0 })
      .add(1, 'invoke', 'produce', { partition: 'p', values: ['x'], acks: 0 }).add(1, 'info', 'produce', null, { error: 'acks=0' })
      .add(0, 'invoke', 'produce', { partition: 'p', values: ['b'], acks: 1 }).add(0, 'ok', 'produce', { baseOffset: 2 });
    expect(checkAcknowledgedOffsets(explained.ops, 'O').verdict).toBe('valid');
    const backwards = new H().add(0, 'invoke', 'produce', { partition: 'p', values: ['a', 'b'], acks: 1 }).add(0, 'ok', 'produce', { baseOffset: 4 })
      .add(0, 'invoke', 'produce', { partition: 'p', values: ['c'], acks: 1 }).add(0, 'ok', 'produce', { baseOffset: 5 });
    expect(names(checkAcknowledgedOffsets(backwards.ops, 'O'))).toEqual(['nonmonotonic-offset']);
  });
});

describe('checkExpectedOutcomes', () => {
  const op = (completion: OpType, error?: string) => new H().add(0, 'invoke', 'produce', {}, { expect: ['NOT_LEADER_OR_FOLLOWER'] }).add(0, completion, 'produce', {}, error === undefined ? {} : { error });
  it('the expected error is valid; another is wrong-error-code; NONE where an error is due too; a timeout is unknown', () => {
    expect(checkExpectedOutcomes(op('fail', 'NOT_LEADER_OR_FOLLOWER').ops, 'WIRE-ERROR-1').verdict).toBe('valid');
    expect(names(checkExpectedOutcomes(op('fail', 'UNKNOWN_TOPIC_OR_PARTITION').ops, 'WIRE-ERROR-1'))).toEqual(['wrong-error-code']);
    expect(names(checkExpectedOutcomes(op('ok').ops, 'WIRE-ERROR-1'))).toEqual(['wrong-error-code']);
    expect(names(checkExpectedOutcomes(op('fail', 'MALFORMED_RESPONSE').ops, 'WIRE-ERROR-1'))).toEqual(['malformed-response']);
    expect(checkExpectedOutcomes(op('info', 'timeout').ops, 'WIRE-ERROR-1').verdict).toBe('unknown');
  });
});

describe('checkListOffsets', () => {
  it('earliest, latest and by timestamp against what was written', () => {
    const h = new H().add(0, 'invoke', 'produce', { partition: 'p', values: ['a', 'b', 'c'], acks: -1, timestamps: [100, 200, 300] }).add(0, 'ok', 'produce', { baseOffset: 0 });
    const ask = (timestamp: number, offset: number) => h.add(1, 'invoke', 'list-offsets', { partition: 'p', timestamp }).add(1, 'ok', 'list-offsets', { offset, timestamp: -1 });
    ask(-2, 0); ask(-1, 3); ask(150, 1); ask(300, 2); ask(301, -1);
    expect(checkListOffsets(h.ops, 'LOG-LISTOFFSETS-1', () => 0).verdict).toBe('valid');
    ask(150, -1);
    expect(names(checkListOffsets(h.ops, 'LOG-LISTOFFSETS-1', () => 0))).toEqual(['wrong-offset']);
  });
});

describe('checkMetadata', () => {
  const metadata = (controllerId: number, leaderId: number, isr: number[]) => new H().add(0, 'invoke', 'metadata', {}).add(0, 'ok', 'metadata', { version: 7, brokers: [1, 2, 3], controllerId, partitions: [{ topic: 't', partition: 0, errorCode: 0, leaderId, leaderEpoch: 0, replicas: [1, 2, 3], isr }] });
  it('a controller and leaders among the brokers is valid; controller 0 of brokers 1-3 and a leader outside its ISR are not', () => {
    expect(checkMetadata(metadata(2, 1, [1, 2]).ops, 'WIRE-META-1').verdict).toBe('valid');
    expect(checkMetadata(metadata(-1, 1, [1]).ops, 'WIRE-META-1').verdict).toBe('valid');
    expect(checkMetadata(metadata(0, 1, [1]).ops, 'WIRE-META-1').anomalies.map((a) => a.detail)).toEqual(['controllerId 0 is not a listed broker (brokers 1, 2, 3)']);
    expect(names(checkMetadata(metadata(1, 3, [1, 2]).ops, 'WIRE-META-1'))).toEqual(['inconsistent-metadata']);
  });
});

describe('checkApiVersions', () => {
  const ids = { answer: 'WIRE-APIVERSIONS-1', unknownVersion: 'WIRE-APIVERSIONS-2' };
  it('KIP-511: UNSUPPORTED_VERSION naming ApiVersions is valid; an undecodable answer is malformed-response', () => {
    const good = new H().add(0, 'invoke', 'api-versions-unknown', { version: 5 }).add(0, 'fail', 'api-versions-unknown', { apiKeys: [[18, 0, 4]] }, { error: 'UNSUPPORTED_VERSION' });
    expect(checkApiVersions(good.ops, ids).verdict).toBe('valid');
    const bad = new H().add(0, 'invoke', 'api-versions-unknown', { version: 3 }).add(0, 'fail', 'api-versions-unknown', { detail: 'x' }, { error: 'MALFORMED_RESPONSE' });
    expect(names(checkApiVersions(bad.ops, ids))).toEqual(['malformed-response']);
    const twice = new H().add(0, 'invoke', 'api-versions', {}).add(0, 'ok', 'api-versions', { apiKeys: [[18, 0, 4], [3, 0, 12], [3, 0, 12], [1, 5, 4]] });
    expect(names(checkApiVersions(twice.ops, ids))).toEqual(['malformed-response', 'malformed-response']);
  });
});

describe('checkClassicGroup', () => {
  const join = (h: H, process: number, memberId: string, generationId: number, leader: string, protocolName: string, protocols: string[]) =>
    h.add(process, 'invoke', 'join-group', { protocols }).add(process, 'ok', 'join-group', { memberId, generationId, leader, protocolName, members: memberId === leader ? ['a', 'b'] : [] });
  const ids = { generation: 'G', leader: 'L', assignment: 'S', commit: 'C' };
  it('one generation with a leader among the members and a protocol both offered is valid', () => {
    const h = new H();
    join(h, 1, 'a', 1, 'a', 'roundrobin', ['range', 'roundrobin']);
    join(h, 2, 'b', 1, 'a', 'roundrobin', ['roundrobin']);
    expect(checkClassicGroup(h.ops, ids).verdict).toBe('valid');
  });
  it('a protocol one member did not offer, a generation that goes back, and a fetched offset that is not the last commit', () => {
    const h = new H();
    join(h, 1, 'a', 2, 'a', 'range', ['range', 'roundrobin']);
    join(h, 2, 'b', 2, 'a', 'range', ['roundrobin']);
    join(h, 1, 'a', 1, 'a', 'range', ['range', 'roundrobin']);
    h.add(1, 'invoke', 'offset-commit', { partition: 'p', offset: 5 }).add(1, 'ok', 'offset-commit', {});
    h.add(1, 'invoke', 'offset-fetch', { partition: 'p' }).add(1, 'ok', 'offset-fetch', { offset: 4 });
    expect([...new Set(names(checkClassicGroup(h.ops, ids)))].sort()).toEqual(['lost-commit', 'nonmonotonic-generation', 'unoffered-protocol']);
  });
});

describe('checkMemberEpochs', () => {
  const beat = (h: H, sent: number, memberEpoch: number) => h.add(1, 'invoke', 'consumer-heartbeat', { memberId: 'm', memberEpoch: sent }).add(1, 'ok', 'consumer-heartbeat', { memberId: 'm', memberEpoch });
  it('epochs that grow, then -1 on leaving, are valid; an epoch that goes back is not', () => {
    const h = new H();
    beat(h, 0, 1); beat(h, 1, 3); beat(h, -1, -1); beat(h, 0, 1);
    expect(checkMemberEpochs(h.ops, 'E').verdict).toBe('valid');
    beat(h, 1, 5); beat(h, 5, 4);
    expect(names(checkMemberEpochs(h.ops, 'E'))).toEqual(['nonmonotonic-member-epoch']);
  });
});

describe('LOG-START-1 (checkListOffsets with a moved log start)', () => {
  it('after DeleteRecords, earliest answers the new log start; the old start is a wrong offset', () => {
    const h = new H().add(0, 'invoke', 'produce', { partition: 'p', values: ['a', 'b', 'c'], acks: -1, timestamps: [100, 200, 300] }).add(0, 'ok', 'produce', { baseOffset: 0 });
    h.add(1, 'invoke', 'list-offsets', { partition: 'p', timestamp: -2 }).add(1, 'ok', 'list-offsets', { offset: 2, timestamp: -1 });
    expect(checkListOffsets(h.ops, 'LOG-START-1', () => 2).verdict).toBe('valid');
    expect(names(checkListOffsets(h.ops, 'LOG-START-1', () => 0))).toEqual(['wrong-offset']);
  });
});

describe('WIRE-PID-1 (checkProducerIds)', () => {
  it('distinct non-negative producer ids are valid; one handed out twice, or a negative one, is not', () => {
    const init = (h: H, producerId: number, producerEpoch = 0) => h.add(0, 'invoke', 'init-producer-id', {}).add(0, 'ok', 'init-producer-id', { producerId, producerEpoch });
    const good = new H();
    init(good, 1000);
    init(good, 1001);
    expect(checkProducerIds(good.ops, 'WIRE-PID-1').verdict).toBe('valid');
    init(good, 1000);
    expect(names(checkProducerIds(good.ops, 'WIRE-PID-1'))).toEqual(['duplicate-producer-id']);
    expect(names(checkProducerIds(init(new H(), -1).ops, 'WIRE-PID-1'))).toEqual(['invalid-producer-id']);
  });
});
