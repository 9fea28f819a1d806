/**
 * History checkers for the conformance suite: pure functions from a recorded history to a
 * verdict (valid / invalid / unknown) and the anomalies found, each naming its clause and the
 * operations that show it. A checker that cannot judge says unknown, never valid.
 */
import type { Verdict } from '../clause.js';
import { type History, type Json, type Op, oks, pairs } from './history.js';

export interface Anomaly {
  /** Jepsen-style name: lost-write, duplicate, reorder, nonmonotonic-offset, skipped-offset, wrong-error-code, ... */
  readonly name: string;
  readonly clauseId: string;
  readonly detail: string;
  /** Indexes of the operations that show it. */
  readonly ops: readonly number[];
}

export interface Judgement {
  readonly verdict: Verdict;
  readonly anomalies: readonly Anomaly[];
  /** Why parts of the history could not be judged (indefinite outcomes). */
  readonly unknowns: readonly string[];
}

export function judgement(anomalies: readonly Anomaly[], unknowns: readonly string[] = []): Judgement {
  return { verdict: anomalies.length > 0 ? 'invalid' : unknowns.length > 0 ? 'unknown' : 'valid', anomalies, unknowns };
}

/** Several checkers' judgements of one history as one. */
export function combine(...parts: readonly Judgement[]): Judgement {
  return judgement(parts.flatMap((p) => p.anomalies), parts.flatMap((p) => p.unknowns));
}

export const MALFORMED_RESPONSE = 'MALFORMED_RESPONSE';

/**
 * Every operation whose invoke states Kafka's outcomes (`expect`) is judged by its completion:
 * `ok` is NONE, `fail` its error; an answer our codecs refuse is a malformed-response; an `info`
 * completion (timeout, lost connection) cannot be judged.
 */
export function checkExpectedOutcomes(history: History, defaultClauseId: string): Judgement {
  const anomalies: Anomaly[] = [];
  const unknowns: string[] = [];
  for (const { invoke, completion } of pairs(history)) {
    if (invoke.expect === undefined) continue;
    const clauseId = invoke.clause ?? defaultClauseId;
    if (completion === undefined || completion.type === 'info') {
      unknowns.push(`op ${invoke.index} ${invoke.f}: ${completion?.error ?? 'no completion'}`);
      continue;
    }
    const outcome = completion.type === 'ok' ? 'NONE' : (completion.error ?? 'UNNAMED_ERROR');
    const ops = [invoke.index, completion.index];
    if (outcome === MALFORMED_RESPONSE) {
      anomalies.push({ name: 'malformed-response', clauseId, detail: `${invoke.f}: the answer does not decode (${JSON.stringify(completion.value)})`, ops });
    } else if (!invoke.expect.includes(outcome)) {
      anomalies.push({ name: 'wrong-error-code', clauseId, detail: `${invoke.f}: answered ${outcome}, Kafka answers ${invoke.expect.join(' or ')}${invoke.source === undefined ? '' : ` (${invoke.source})`}`, ops });
    }
  }
  return judgement(anomalies, unknowns);
}

// ---- the log ------------------------------------------------------------------------------

/** produce invoke value: { partition, values, acks }; ok value: { partition, baseOffset }. */
interface ProduceInvoke { readonly partition: string; readonly values: readonly string[]; readonly acks: number }
/** read ok value: { partition, fetchOffset, highWatermark, records: [offset, value][] }. */
interface ReadOk { readonly partition: string; readonly fetchOffset: number; readonly highWatermark: number; readonly records: readonly (readonly [number, string | null])[] }

function asProduce(op: Op): ProduceInvoke {
  return op.value as unknown as ProduceInvoke;
}

function asRead(op: Op): ReadOk {
  return op.value as unknown as ReadOk;
}

/**
 * One partition's log as produced and read back:
 * - lost-write: an acknowledged value (acks 1 or all) absent from a read that covers its offset;
 * - wrong-offset: an acknowledged value read at another offset than the one it was given;
 * - duplicate: a value read at two offsets (for any write, acknowledged or not);
 * - reorder: two acknowledged writes of one process read in the other order;
 * - nonmonotonic-offset / skipped-offset: a read whose offsets go back, or jump;
 * - read-past-high-watermark: a record at or above the high watermark of its own response.
 */
export function checkLog(history: History, clauseIds: { durable: string; order: string; fetch: string }): Judgement {
  const anomalies: Anomaly[] = [];
  const unknowns: string[] = [];
  const reads = oks(history, 'read');
  const where = new Map<string, Map<string, { offsets: number[]; op: number }>>();
  for (const { ok } of reads) {
    const read = asRead(ok);
    const seen = where.get(read.partition) ?? new Map<string, { offsets: number[]; op: number }>();
    where.set(read.partition, seen);
    let previous: number | undefined;
    for (const [offset, value] of read.records) {
      if (previous !== undefined && offset <= previous) anomalies.push({ name: 'nonmonotonic-offset', clauseId: clauseIds.order, detail: `${read.partition}: offset ${offset} after ${previous}`, ops: [ok.index] });
      else if (previous !== undefined && offset > previous + 1) anomalies.push({ name: 'skipped-offset', clauseId: clauseIds.order, detail: `${read.partition}: offset ${offset} after ${previous}`, ops: [ok.index] });
      if (offset >= read.highWatermark) anomalies.push({ name: 'read-past-high-watermark', clauseId: clauseIds.fetch, detail: `${read.partition}: offset ${offset} returned with high watermark ${read.highWatermark}`, ops: [ok.index] });
      previous = offset;
      if (value === null) continue;
      const entry = seen.get(value) ?? { offsets: [], op: ok.index };
      if (!entry.offsets.includes(offset)) entry.offsets.push(offset);
      seen.set(value, entry);
    }
  }
  for (const [partition, seen] of where) {
    for (const [value, entry] of seen) {
      if (entry.offsets.length > 1) anomalies.push({ name: 'duplicate', clauseId: clauseIds.durable, detail: `${partition}: ${value} at offsets ${entry.offsets.join(', ')}`, ops: [entry.op] });
    }
  }
  const covered = (partition: string, offset: number) => reads.some(({ ok }) => asRead(ok).partition === partition && asRead(ok).fetchOffset <= offset && offset < asRead(ok).highWatermark);
  const lastAcked = new Map<string, { offset: number; op: number }>();
  const acknowledged = new Set<string>();
  for (const { invoke, completion } of pairs(history)) {
    if (invoke.f !== 'produce') continue;
    const produce = asProduce(invoke);
    if (completion?.type !== 'ok' || produce.acks === 0) continue;
    const baseOffset = (completion.value as { baseOffset: number }).baseOffset;
    produce.values.forEach((value, i) => {
      const offset = baseOffset + i;
      const found = where.get(produce.partition)?.get(value);
      if (found === undefined) {
        if (covered(produce.partition, offset)) anomalies.push({ name: 'lost-write', clauseId: clauseIds.durable, detail: `${produce.partition}: ${value} acknowledged at offset ${offset}, not read back`, ops: [invoke.index, completion.index] });
        else unknowns.push(`${produce.partition} offset ${offset}: no read covers it`);
        return;
      }
      if (!found.offsets.includes(offset)) anomalies.push({ name: 'wrong-offset', clauseId: clauseIds.durable, detail: `${produce.partition}: ${value} acknowledged at offset ${offset}, read at ${found.offsets.join(', ')}`, ops: [invoke.index, completion.index, found.op] });
      const key = `${invoke.process}/${produce.partition}`;
      // A value acknowledged again (a retry answered with its first offsets) is not a new write.
      if (acknowledged.has(value)) return;
      acknowledged.add(value);
      const last = lastAcked.get(key);
      const readAt = Math.min(...found.offsets);
      if (last !== undefined && readAt < last.offset) anomalies.push({ name: 'reorder', clauseId: clauseIds.order, detail: `${produce.partition}: ${value}, acknowledged after the write read at ${last.offset}, is read before it at ${readAt}`, ops: [last.op, invoke.index] });
      lastAcked.set(key, { offset: readAt, op: invoke.index });
    });
  }
  return judgement(anomalies, unknowns);
}

/**
 * Acknowledged base offsets of one process's sequential writes to a partition: each is the
 * previous one's last offset plus one when nothing else writes there (the workload's own topic).
 */
export function checkAcknowledgedOffsets(history: History, clauseId: string): Judgement {
  const anomalies: Anomaly[] = [];
  const next = new Map<string, { offset: number; op: number }>();
  for (const { invoke, completion } of pairs(history)) {
    if (invoke.f !== 'produce' || completion === undefined || completion.type === 'fail') continue;
    const produce = asProduce(invoke);
    // A write of unknown fate (acks=0, a timeout) may have taken offsets: the next gap proves nothing.
    if (completion.type === 'info') {
      next.delete(produce.partition);
      continue;
    }
    const baseOffset = (completion.value as { baseOffset: number }).baseOffset;
    const expected = next.get(produce.partition);
    if (expected !== undefined && baseOffset < expected.offset) anomalies.push({ name: 'nonmonotonic-offset', clauseId, detail: `${produce.partition}: base offset ${baseOffset} acknowledged after the batch ending at ${expected.offset - 1}`, ops: [expected.op, completion.index] });
    else if (expected !== undefined && baseOffset > expected.offset) anomalies.push({ name: 'skipped-offset', clauseId, detail: `${produce.partition}: base offset ${baseOffset}, expected ${expected.offset}`, ops: [expected.op, completion.index] });
    next.set(produce.partition, { offset: baseOffset + produce.values.length, op: completion.index });
  }
  return judgement(anomalies);
}

/**
 * ListOffsets against what was produced, for a partition written only by this history's
 * acknowledged sequential writes: list-offsets invoke value { partition, timestamp }, ok value
 * { offset, timestamp }; produce invoke values carry `timestamps` (one per value).
 */
export function checkListOffsets(history: History, clauseId: string, logStartOffset: (partition: string) => number): Judgement {
  const anomalies: Anomaly[] = [];
  const written = new Map<string, { offset: number; timestamp: number }[]>();
  for (const { invoke, ok } of oks(history, 'produce')) {
    const produce = invoke.value as unknown as ProduceInvoke & { timestamps: readonly number[] };
    const base = (ok.value as { baseOffset: number }).baseOffset;
    const list = written.get(produce.partition) ?? [];
    produce.timestamps.forEach((timestamp, i) => list.push({ offset: base + i, timestamp }));
    written.set(produce.partition, list);
  }
  // A write whose outcome is indefinite (a lost answer) may or may not be in the log: the offsets
  // after it are then unknown to the history, and so is every answer about that partition.
  const indefinite = new Set(pairs(history).filter(({ invoke, completion }) => invoke.f === 'produce' && (completion === undefined || completion.type === 'info')).map(({ invoke }) => (invoke.value as unknown as ProduceInvoke).partition));
  const unknowns: string[] = [];
  for (const { invoke, ok } of oks(history, 'list-offsets')) {
    const { partition, timestamp } = invoke.value as { partition: string; timestamp: number };
    const answer = ok.value as { offset: number };
    if (indefinite.has(partition)) {
      unknowns.push(`${partition} ListOffsets ${timestamp}: a write to the partition is indefinite`);
      continue;
    }
    const records = (written.get(partition) ?? []).sort((a, b) => a.offset - b.offset);
    const end = records.length === 0 ? logStartOffset(partition) : records[records.length - 1]!.offset + 1;
    let expected: number;
    let what: string;
    if (timestamp === -2) [expected, what] = [logStartOffset(partition), 'the log start offset'];
    else if (timestamp === -1) [expected, what] = [end, 'the high watermark'];
    else [expected, what] = [records.find((r) => r.timestamp >= timestamp)?.offset ?? -1, `the first offset with a timestamp >= ${timestamp}`];
    if (answer.offset !== expected) anomalies.push({ name: 'wrong-offset', clauseId, detail: `${partition} ListOffsets ${timestamp}: answered ${answer.offset}, ${what} is ${expected}`, ops: [invoke.index, ok.index] });
  }
  return judgement(anomalies, unknowns);
}

// ---- metadata -----------------------------------------------------------------------------

export interface MetadataSnapshot {
  readonly version: number;
  readonly brokers: readonly number[];
  readonly controllerId: number;
  readonly partitions: readonly { readonly topic: string; readonly partition: number; readonly errorCode: number; readonly leaderId: number; readonly leaderEpoch: number; readonly replicas: readonly number[]; readonly isr: readonly number[] }[];
}

/** WIRE-META-1 over every Metadata answer of the history (metadata ok values are snapshots). */
export function checkMetadata(history: History, clauseId: string): Judgement {
  const anomalies: Anomaly[] = [];
  for (const { ok } of oks(history, 'metadata')) {
    const snapshot = ok.value as unknown as MetadataSnapshot;
    const live = new Set(snapshot.brokers);
    const flag = (detail: string) => anomalies.push({ name: 'inconsistent-metadata', clauseId, detail, ops: [ok.index] });
    if (snapshot.brokers.length === 0) flag('no brokers listed');
    if (snapshot.version >= 1 && snapshot.controllerId !== -1 && !live.has(snapshot.controllerId)) flag(`controllerId ${snapshot.controllerId} is not a listed broker (brokers ${snapshot.brokers.join(', ')})`);
    for (const p of snapshot.partitions) {
      if (p.errorCode !== 0) continue;
      const name = `${p.topic}-${p.partition}`;
      if (p.leaderId !== -1 && !live.has(p.leaderId)) flag(`${name}: leader ${p.leaderId} is not a listed broker`);
      if (p.leaderId !== -1 && !p.isr.includes(p.leaderId)) flag(`${name}: leader ${p.leaderId} is not in the ISR [${p.isr.join(', ')}]`);
      for (const r of p.isr) if (!p.replicas.includes(r)) flag(`${name}: ISR member ${r} is not a replica [${p.replicas.join(', ')}]`);
      if (snapshot.version >= 7 && p.leaderId !== -1 && p.leaderEpoch < 0) flag(`${name}: led, but leader epoch ${p.leaderEpoch}`);
    }
  }
  return judgement(anomalies);
}

export type { Json };

// ---- ApiVersions --------------------------------------------------------------------------

/** api-versions completions carry { apiKeys: [apiKey, min, max][] }. */
interface ApiVersionsValue { readonly apiKeys?: readonly (readonly [number, number, number])[] }

/**
 * WIRE-APIVERSIONS-1 over `api-versions` operations (answered NONE, each key once, min <= max,
 * ApiVersions itself listed) and WIRE-APIVERSIONS-2 over `api-versions-unknown` ones (a v0 answer
 * with UNSUPPORTED_VERSION that names the ApiVersions range).
 */
export function checkApiVersions(history: History, clauseIds: { answer: string; unknownVersion: string }): Judgement {
  const anomalies: Anomaly[] = [];
  for (const { invoke, completion } of pairs(history)) {
    if (completion === undefined || completion.type === 'info') continue;
    const unknown = invoke.f === 'api-versions-unknown';
    if (invoke.f !== 'api-versions' && !unknown) continue;
    const clauseId = unknown ? clauseIds.unknownVersion : clauseIds.answer;
    const ops = [invoke.index, completion.index];
    if (completion.error === MALFORMED_RESPONSE) {
      anomalies.push({ name: 'malformed-response', clauseId, detail: `${invoke.f} ${JSON.stringify(invoke.value)}: ${(completion.value as { detail?: string } | null)?.detail ?? 'the answer does not decode'}`, ops });
      continue;
    }
    const outcome = completion.type === 'ok' ? 'NONE' : completion.error;
    const wanted = unknown ? 'UNSUPPORTED_VERSION' : 'NONE';
    if (outcome !== wanted) anomalies.push({ name: 'wrong-error-code', clauseId, detail: `${invoke.f}: answered ${outcome}, Kafka answers ${wanted}`, ops });
    const keys = (completion.value as ApiVersionsValue | null)?.apiKeys ?? [];
    if (!keys.some(([key]) => key === 18)) anomalies.push({ name: 'missing-api-versions-range', clauseId, detail: `${invoke.f}: the answer does not list ApiVersions (18)`, ops });
    if (unknown) continue;
    const seen = new Set<number>();
    for (const [key, min, max] of keys) {
      if (seen.has(key)) anomalies.push({ name: 'malformed-response', clauseId, detail: `API key ${key} listed twice`, ops });
      if (min > max) anomalies.push({ name: 'malformed-response', clauseId, detail: `API key ${key}: minVersion ${min} > maxVersion ${max}`, ops });
      seen.add(key);
    }
  }
  return judgement(anomalies);
}

// ---- classic groups -----------------------------------------------------------------------

/** join-group ok value: { memberId, generationId, leader, protocolName, members: string[] }; invoke value: { protocols }. */
interface JoinOk { readonly memberId: string; readonly generationId: number; readonly leader: string; readonly protocolName: string | null; readonly members: readonly string[] }

/**
 * Over the classic group calls of a history:
 * - CG-GEN-1: each member's generations strictly increase across its successful joins;
 * - CG-LEADER-1: members of one generation agree on leader and protocol, the leader is in the
 *   generation, and the protocol is one every member offered (ClassicGroup.selectProtocol);
 * - sync: a member receives the assignment the leader sent for it in that generation
 *   (wrong-assignment);
 * - commits: an OffsetFetch returns the offset last committed with NONE (lost-commit).
 */
export function checkClassicGroup(history: History, clauseIds: { generation: string; leader: string; assignment: string; commit: string }): Judgement {
  const anomalies: Anomaly[] = [];
  const lastGeneration = new Map<string, { generation: number; op: number }>();
  const byGeneration = new Map<number, { leader: string; protocol: string | null; op: number; members: Set<string> }>();
  const offered = new Map<string, readonly string[]>();
  for (const { invoke, ok } of oks(history, 'join-group')) {
    const join = ok.value as unknown as JoinOk;
    offered.set(join.memberId, (invoke.value as { protocols: string[] }).protocols);
    const last = lastGeneration.get(join.memberId);
    if (last !== undefined && join.generationId <= last.generation) anomalies.push({ name: 'nonmonotonic-generation', clauseId: clauseIds.generation, detail: `member ${join.memberId}: generation ${join.generationId} after ${last.generation}`, ops: [last.op, ok.index] });
    lastGeneration.set(join.memberId, { generation: join.generationId, op: ok.index });
    const seen = byGeneration.get(join.generationId);
    if (seen === undefined) byGeneration.set(join.generationId, { leader: join.leader, protocol: join.protocolName, op: ok.index, members: new Set([join.memberId, ...join.members]) });
    else {
      if (seen.leader !== join.leader || seen.protocol !== join.protocolName) anomalies.push({ name: 'split-generation', clauseId: clauseIds.leader, detail: `generation ${join.generationId}: leader ${seen.leader} / ${join.leader}, protocol ${seen.protocol} / ${join.protocolName}`, ops: [seen.op, ok.index] });
      seen.members.add(join.memberId);
      for (const m of join.members) seen.members.add(m);
    }
  }
  for (const [generation, seen] of byGeneration) {
    if (!seen.members.has(seen.leader)) anomalies.push({ name: 'leader-not-a-member', clauseId: clauseIds.leader, detail: `generation ${generation}: leader ${seen.leader} is not among [${[...seen.members].join(', ')}]`, ops: [seen.op] });
    for (const member of seen.members) {
      const protocols = offered.get(member);
      if (protocols !== undefined && seen.protocol !== null && !protocols.includes(seen.protocol)) anomalies.push({ name: 'unoffered-protocol', clauseId: clauseIds.leader, detail: `generation ${generation}: protocol ${seen.protocol}, member ${member} offered [${protocols.join(', ')}]`, ops: [seen.op] });
    }
  }
  const sent = new Map<string, { assignment: string; op: number }>();
  for (const { invoke } of oks(history, 'sync-group')) {
    const { generationId, assignments } = invoke.value as { generationId: number; assignments: [string, string][] };
    for (const [member, assignment] of assignments) sent.set(`${generationId}/${member}`, { assignment, op: invoke.index });
  }
  for (const { invoke, ok } of oks(history, 'sync-group')) {
    const { generationId, memberId } = invoke.value as { generationId: number; memberId: string };
    const expected = sent.get(`${generationId}/${memberId}`);
    const got = (ok.value as { assignment: string }).assignment;
    if (expected !== undefined && expected.assignment !== got) anomalies.push({ name: 'wrong-assignment', clauseId: clauseIds.assignment, detail: `member ${memberId} generation ${generationId}: received ${got}, the leader sent ${expected.assignment}`, ops: [expected.op, ok.index] });
  }
  const committed = new Map<string, { offset: number; op: number }>();
  for (const { invoke, completion } of pairs(history)) {
    if (completion?.type !== 'ok') continue;
    if (invoke.f === 'offset-commit') {
      const { partition, offset } = invoke.value as { partition: string; offset: number };
      committed.set(partition, { offset, op: completion.index });
    }
    if (invoke.f === 'offset-fetch') {
      const { partition } = invoke.value as { partition: string };
      const { offset } = completion.value as { offset: number };
      const last = committed.get(partition);
      if (last !== undefined && last.offset !== offset) anomalies.push({ name: 'lost-commit', clauseId: clauseIds.commit, detail: `${partition}: OffsetFetch answered ${offset}, the last accepted commit was ${last.offset}`, ops: [last.op, completion.index] });
    }
  }
  return judgement(anomalies);
}

// ---- KIP-848 groups -----------------------------------------------------------------------

/**
 * CGH-EPOCH-1 as a member sees it: the member epochs its successful ConsumerGroupHeartbeats
 * return never decrease, except -1 answering its own leave (consumer-heartbeat ok values carry
 * { memberId, memberEpoch }, invokes { memberEpoch }).
 */
export function checkMemberEpochs(history: History, clauseId: string): Judgement {
  const anomalies: Anomaly[] = [];
  const last = new Map<string, { epoch: number; op: number }>();
  for (const { invoke, ok } of oks(history, 'consumer-heartbeat')) {
    const { memberId, memberEpoch } = ok.value as { memberId: string; memberEpoch: number };
    if ((invoke.value as { memberEpoch: number }).memberEpoch === -1) {
      last.delete(memberId);
      continue;
    }
    const previous = last.get(memberId);
    if (memberEpoch < 1) anomalies.push({ name: 'invalid-member-epoch', clauseId, detail: `member ${memberId}: epoch ${memberEpoch} in a successful heartbeat`, ops: [ok.index] });
    if (previous !== undefined && memberEpoch < previous.epoch) anomalies.push({ name: 'nonmonotonic-member-epoch', clauseId, detail: `member ${memberId}: epoch ${memberEpoch} after ${previous.epoch}`, ops: [previous.op, ok.index] });
    last.set(memberId, { epoch: memberEpoch, op: ok.index });
  }
  return judgement(anomalies);
}
