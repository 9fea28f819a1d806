/**
 * What the broker saw a client send, as a conformance history: the gateway tap turns each request
 * the client made (and Kafka's answer) into one `broker:*` operation, keeping the fields the
 * client checkers judge (spec/conformance/clients.ts): the producer id, epoch and sequence of each
 * batch with its values, group joins, assignments and commits. The tap also injects the faults of
 * a FaultPlan: a lost response is recorded `info`, as the client saw nothing.
 */
import type { Json, Op } from '../../../spec/conformance/history.js';
import type { Exchange, Fate, GatewayTap } from '../../cluster/gateway/tap.js';
import { errorName } from '../../protocol/errors.js';
import { decodeBatchRecords, readBatchHeaders } from '../../protocol/records/index.js';
import { ApiKey } from '../../client/index.js';
import { assignedPartitions } from '../checks/group-sessions.js';

const text = new TextDecoder();
type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Decides, per recorded request, whether its answer is lost. */
export interface FaultPlan {
  fate(f: string, value: Json): Fate;
}

export const noFaults: FaultPlan = { fate: () => 'deliver' };

/** The history of one client run: broker-side operations, client lines and the read-back log, in arrival order. */
export class ClientRecorder {
  private readonly ops: Op[] = [];
  private readonly startMs = Date.now();
  lostResponses = 0;

  get history(): readonly Op[] {
    return this.ops;
  }

  /** One operation: its invoke and its completion at once (the tap sees both together). */
  record(process: number, f: string, value: Json, completion: { type: 'ok' | 'fail' | 'info'; value: Json; error?: string }): void {
    const timeMs = Date.now() - this.startMs;
    this.ops.push({ index: this.ops.length, process, type: 'invoke', f, value, timeMs });
    this.ops.push({ index: this.ops.length, process, type: completion.type, f, value: completion.value, ...(completion.error === undefined ? {} : { error: completion.error }), timeMs });
  }

  /** The tap for one broker's gateway. */
  tap(plan: FaultPlan): GatewayTap {
    return {
      exchanged: (exchange: Exchange): Fate => {
        const summaries = summarize(exchange);
        let fate: Fate = 'deliver';
        for (const s of summaries) if (plan.fate(s.f, s.value) === 'lose-response') fate = 'lose-response';
        if (fate === 'lose-response') this.lostResponses++;
        for (const s of summaries) {
          this.record(exchange.clientId, s.f, s.value, fate === 'lose-response' ? { type: 'info', value: null, error: 'fault injected: the response was lost' } : s.errorCode === 0 ? { type: 'ok', value: s.answer } : { type: 'fail', value: s.answer, error: errorName(s.errorCode) });
        }
        return fate;
      },
    };
  }
}

interface Summary { readonly f: string; readonly value: Json; readonly answer: Json; readonly errorCode: number }

const num = (v: unknown): number => (typeof v === 'bigint' ? Number(v) : typeof v === 'number' ? v : -1);

function summarize(exchange: Exchange): Summary[] {
  const request = exchange.request as Body;
  const response = (exchange.response ?? {}) as Body;
  switch (exchange.header.requestApiKey) {
    case ApiKey.Produce: return produce(request, response);
    case ApiKey.InitProducerId: return [{ f: 'broker:init-producer-id', value: {}, answer: { producerId: num(response['producerId']), producerEpoch: num(response['producerEpoch']) }, errorCode: num(response['errorCode']) }];
    case ApiKey.JoinGroup: return [{ f: 'broker:join-group', value: { groupId: request['groupId'], memberId: request['memberId'], protocols: ((request['protocols'] ?? []) as Body[]).map((p) => p['name'] as string) }, answer: { memberId: response['memberId'] ?? '', generationId: num(response['generationId']), leader: response['leader'] ?? '' }, errorCode: num(response['errorCode']) }];
    case ApiKey.SyncGroup: return [syncGroup(request, response)];
    case ApiKey.Heartbeat: return [{ f: 'broker:heartbeat', value: { groupId: request['groupId'], memberId: request['memberId'], generationId: num(request['generationId']) }, answer: {}, errorCode: num(response['errorCode']) }];
    case ApiKey.OffsetCommit: return [offsetCommit(request, response)];
    case ApiKey.OffsetFetch: return [offsetFetch(request, response)];
    default: return [];
  }
}

function produce(request: Body, response: Body): Summary[] {
  const out: Summary[] = [];
  for (const topic of request['topicData'] ?? []) {
    for (const data of topic['partitionData'] ?? []) {
      const partition = `${topic['name']}-${data['index']}`;
      const answered = (response['responses'] ?? []).find((r: Body) => r['name'] === topic['name'])?.['partitionResponses']?.find((p: Body) => p['index'] === data['index']);
      for (const batch of readBatchHeaders(data['records'] ?? new Uint8Array(0), { partialTrailingBatch: 'ignore' })) {
        const values = decodeBatchRecords(batch, { maxUncompressedBytes: 64 * 1024 * 1024 }).map((r) => (r.value === null ? '' : text.decode(r.value)));
        out.push({
          f: 'broker:produce',
          value: { partition, acks: request['acks'], producerId: Number(batch.header.producerId), producerEpoch: batch.header.producerEpoch, baseSequence: batch.header.baseSequence, values },
          answer: { baseOffset: num(answered?.['baseOffset']) },
          errorCode: answered === undefined ? 0 : num(answered['errorCode']),
        });
      }
    }
  }
  return out;
}

function syncGroup(request: Body, response: Body): Summary {
  const bytes = response['assignment'] as Uint8Array | null | undefined;
  const partitions: string[] = [];
  if (bytes !== null && bytes !== undefined && bytes.length > 0) {
    const hex = Buffer.from(bytes).toString('hex');
    for (const topic of topicsIn(bytes)) for (const p of assignedPartitions(hex, topic)) partitions.push(`${topic}-${p}`);
  }
  return { f: 'broker:sync-group', value: { groupId: request['groupId'], memberId: request['memberId'], generationId: num(request['generationId']) }, answer: { partitions }, errorCode: num(response['errorCode']) };
}

/** The topic names of a ConsumerProtocolAssignment. */
function topicsIn(bytes: Uint8Array): string[] {
  const buffer = Buffer.from(bytes);
  const names: string[] = [];
  let at = 2;
  const count = buffer.readInt32BE(at);
  at += 4;
  for (let t = 0; t < count && at + 2 <= buffer.length; t++) {
    const length = buffer.readInt16BE(at);
    names.push(buffer.subarray(at + 2, at + 2 + length).toString());
    at += 2 + length;
    at += 4 + 4 * buffer.readInt32BE(at);
  }
  return names;
}

function offsetCommit(request: Body, response: Body): Summary {
  const offsets: [string, number][] = [];
  for (const topic of request['topics'] ?? []) for (const p of topic['partitions'] ?? []) offsets.push([`${topic['name']}-${p['partitionIndex']}`, num(p['committedOffset'])]);
  const errors: [string, string][] = [];
  let errorCode = 0;
  for (const topic of response['topics'] ?? []) {
    for (const p of topic['partitions'] ?? []) {
      if (p['errorCode'] !== 0) errors.push([`${topic['name']}-${p['partitionIndex']}`, errorName(p['errorCode'])]);
      errorCode ||= p['errorCode'];
    }
  }
  return { f: 'broker:offset-commit', value: { groupId: request['groupId'], memberId: request['memberId'], generationId: num(request['generationIdOrMemberEpoch']), offsets }, answer: { errors }, errorCode };
}

function offsetFetch(request: Body, response: Body): Summary {
  // v8+ batches groups; the clients here ask for one.
  const group = (response['groups'] as Body[] | undefined)?.[0];
  const topics = (group?.['topics'] ?? response['topics'] ?? []) as Body[];
  const offsets: [string, number][] = [];
  for (const topic of topics) for (const p of topic['partitions'] ?? []) offsets.push([`${topic['name']}-${p['partitionIndex']}`, num(p['committedOffset'])]);
  const groupId = request['groupId'] ?? (request['groups'] as Body[] | undefined)?.[0]?.['groupId'] ?? '';
  return { f: 'broker:offset-fetch', value: { groupId }, answer: { offsets }, errorCode: num(group?.['errorCode'] ?? response['errorCode'] ?? 0) };
}
