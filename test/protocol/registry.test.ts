/**
 * The message registry against what the machines really send: every message a machine emits in
 * simulated runs (quorum, replication with the idempotent and the plain producer, consumer groups of
 * both protocols) has a spec, a codec that accepts it, and a one-line rendering with no
 * `undefined` in it. The messages are caught where XState hands them out (`xstate.emit` actions of
 * `transition()`), so the test follows the machines, not a shell's wiring.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { isRight } from 'fp-ts/lib/Either.js';
import { allMessageSpecs, allRecordSpecs, decodeMessage, messageSpec, messageSpecs, specOf, type Message } from '../../src/protocol/registry.js';

const emitted: Message[] = [];

function capture(actions: readonly { type: string; params?: unknown }[]): void {
  for (const action of actions) {
    if (action.type !== 'xstate.emit') continue;
    const message = (action.params as { event?: { message?: unknown } }).event?.message;
    if (typeof message === 'object' && message !== null && typeof (message as Message).type === 'string') emitted.push(message as Message);
  }
}

vi.mock('xstate', async (importOriginal) => {
  const actual = await importOriginal<typeof import('xstate')>();
  return {
    ...actual,
    initialTransition: ((...args: Parameters<typeof actual.initialTransition>) => {
      const result = actual.initialTransition(...args);
      capture(result[1] as never);
      return result;
    }) as typeof actual.initialTransition,
    transition: ((...args: Parameters<typeof actual.transition>) => {
      const result = actual.transition(...args);
      capture(result[1] as never);
      return result;
    }) as typeof actual.transition,
  };
});

// The machines step through kspec's own transition() (src/machines/transition.ts, XState's without a throwaway actor per call).
vi.mock('../../src/machines/transition.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/machines/transition.js')>();
  return {
    ...actual,
    transition: ((...args: Parameters<typeof actual.transition>) => {
      const result = actual.transition(...args);
      capture(result[1] as never);
      return result;
    }) as typeof actual.transition,
  };
});

/** Seeds with a KIP-848 group (2, static members, crashes) and a classic cooperative group (19); the plain producer (5); the quorum model. */
const RUNS = [
  ['sim', '--seed', '2', '--max-steps', '3000'],
  ['sim', '--seed', '19', '--max-steps', '6000'],
  ['sim', '--seed', '5', '--max-steps', '3000', '--no-idempotence'],
  ['sim', '--model', 'quorum', '--seed', '1', '--max-steps', '2000'],
];

describe('every message the machines emit', () => {
  beforeAll(async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const { main } = await import('../../src/cli/main.js');
    for (const argv of RUNS) await main(argv);
    log.mockRestore();
  }, 60_000);
  afterAll(() => vi.restoreAllMocks());

  it('was seen: quorum, replication, producer and both group protocols', () => {
    const types = new Set(emitted.map((m) => m.type));
    for (const type of ['VoteRequest', 'FetchRequest', 'Fetch', 'BrokerHeartbeat', 'InitProducerId', 'Produce', 'JoinGroup', 'SyncGroupResponse', 'ConsumerGroupHeartbeat', 'OffsetCommit']) {
      expect(types, type).toContain(type);
    }
  });

  it('has a spec, a codec that accepts it, and a rendering without undefined', () => {
    const problems: string[] = [];
    for (const message of emitted) {
      const spec = specOf(message);
      if (spec === undefined) {
        problems.push(`${message.type}: no spec`);
        continue;
      }
      if (!isRight(spec.codec.decode(message))) problems.push(`${message.type}: the codec refuses ${JSON.stringify(message).slice(0, 300)}`);
      const line = spec.render(message);
      if (line.includes('undefined') || line.includes('\n') || !line.startsWith(spec.type === 'FetchRequest' ? 'Fetch' : spec.type.replace(/Request$/, ''))) problems.push(`${message.type}: renders as '${line}'`);
    }
    expect([...new Set(problems)]).toEqual([]);
  });

  it("answers every request the machines send with an error response its pair's codec accepts", () => {
    const problems: string[] = [];
    for (const request of emitted) {
      const spec = specOf(request);
      if (spec === undefined || spec.kind !== 'request') continue;
      if (spec.errorResponse === undefined) {
        problems.push(`${spec.type}: no error response`);
        continue;
      }
      const answer = spec.errorResponse(request, 15);
      const pair = specOf(answer);
      if (pair === undefined || pair.type !== spec.pairedWith || pair.family !== spec.family) problems.push(`${spec.type}: answered with ${answer.type}`);
      else if (!isRight(pair.codec.decode(answer))) problems.push(`${spec.type}: error response refused by ${pair.type}'s codec`);
      else if (!pair.render(answer).includes('COORDINATOR_NOT_AVAILABLE') && pair.type !== 'MetadataResponse') problems.push(`${spec.type}: the error does not show in '${pair.render(answer)}'`);
    }
    expect([...new Set(problems)]).toEqual([]);
  });
});

describe('the registry', () => {
  it('pairs every request with a response of its family and the same api key, both ways', () => {
    for (const spec of allMessageSpecs().filter((s) => s.kind !== 'internal')) {
      const pairs = messageSpecs(spec.pairedWith ?? '').filter((p) => p.family === spec.family);
      expect(pairs, spec.type).toHaveLength(1);
      expect(pairs[0]?.pairedWith, spec.type).toBe(spec.type);
      expect(pairs[0]?.apiKey, spec.type).toBe(spec.apiKey);
      expect(pairs[0]?.kind, spec.type).toBe(spec.kind === 'request' ? 'response' : 'request');
    }
  });

  it('tells the quorum FetchResponse from the replicas one by shape, and refuses to guess from the name alone', () => {
    expect(messageSpecs('FetchResponse').map((s) => s.family).sort()).toEqual(['quorum', 'replication']);
    expect(messageSpec('FetchResponse')).toBeUndefined();
    const quorum = { type: 'FetchResponse', errorCode: 0, correlationId: 1, highWatermark: 3, divergingEpoch: { epoch: -1, endOffset: -1 }, currentLeader: { leaderId: 1, leaderEpoch: 2 }, records: [] };
    expect(specOf(quorum)?.family).toBe('quorum');
    const partitionResponse: Message = { ...quorum, topic: 't', topicId: 'id', partition: 0 } as Message;
    expect(specOf(partitionResponse)?.family).toBe('replication');
    expect(specOf({ type: 'NoSuchMessage' })).toBeUndefined();
  });

  it('declares each record type once per log, with a codec that refuses a record of another type', () => {
    const keys = allRecordSpecs().map((s) => `${s.log}/${s.type}`);
    expect(new Set(keys).size).toBe(keys.length);
    const topic = { type: 'TopicRecord', name: 'orders', topicId: 'id-1' };
    const specs = allRecordSpecs().filter((s) => s.log === '__cluster_metadata');
    expect(specs.filter((s) => isRight(s.codec.decode(topic))).map((s) => s.type)).toEqual(['TopicRecord']);
  });

  it('decodes a message from outside, and says in one line why it refuses one', () => {
    const heartbeat = { type: 'Heartbeat', correlationId: 4, groupId: 'g', generationId: 2, memberId: 'm-1', groupInstanceId: null };
    const ok = decodeMessage(JSON.parse(JSON.stringify(heartbeat)));
    expect(ok.ok && ok.message).toEqual(heartbeat);
    expect(decodeMessage({ ...heartbeat, generationId: 2.5 })).toEqual({ ok: false, error: 'Heartbeat: generationId is 2.5, expected SafeInteger' });
    expect(decodeMessage({ ...heartbeat, type: 'Heartbeet' })).toEqual({ ok: false, error: "unknown message type 'Heartbeet'" });
    expect(decodeMessage(42)).toEqual({ ok: false, error: 'not a message: no type' });
    const quorum = { type: 'FetchResponse', errorCode: 0, correlationId: 1, highWatermark: 3, divergingEpoch: { epoch: -1, endOffset: -1 }, currentLeader: { leaderId: 1, leaderEpoch: 2 }, records: [] };
    const decoded = decodeMessage(quorum);
    expect(decoded.ok && decoded.spec.family).toBe('quorum');
  });
});
