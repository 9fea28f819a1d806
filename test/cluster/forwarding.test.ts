/**
 * The broker's forwarding to the active controller (ForwardingManager over
 * NodeToControllerRequestThread), on a gateway with a hand-driven clock and a stub broker whose
 * quorum names the controller: a forward that met a dead controller's broken connection, or an
 * answer NOT_CONTROLLER from a controller not yet active, is sent again to the controller the
 * quorum names next, so the client's CreateTopics is served by the new controller; it never waits
 * on a connection that broke, nor comes back NOT_CONTROLLER while the retry timeout runs.
 */
import { describe, expect, it } from 'vitest';
import { Gateway, FORWARD_POLL_MS, FORWARD_RETRY_TIMEOUT_MS, type GatewayWorld, type RequestContext } from '../../src/cluster/gateway/gateway.js';
import { handleCreateTopics } from '../../src/cluster/gateway/create-topics.js';
import type { BrokerNode } from '../../src/cluster/broker-node.js';
import { disconnected, type ClusterMessage } from '../../src/cluster/world.js';
import { errorCode } from '../../src/protocol/errors.js';

class HandClock implements GatewayWorld {
  now = 0;
  readonly sent: { from: number; to: number; message: ClusterMessage }[] = [];
  private timers: { at: number; task: () => void; live: boolean }[] = [];

  send(from: number, to: number, message: ClusterMessage): void {
    this.sent.push({ from, to, message });
  }

  nowMs(): number {
    return this.now;
  }

  after(delayMs: number, task: () => void): { cancel(): void } {
    const timer = { at: this.now + delayMs, task, live: true };
    this.timers.push(timer);
    return { cancel: () => void (timer.live = false) };
  }

  /** Move the clock on, running each timer due, and let the promises they settle run. */
  async advance(ms: number): Promise<void> {
    const end = this.now + ms;
    for (;;) {
      await settle();
      const due = this.timers.filter((t) => t.live && t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (due === undefined) break;
      due.live = false;
      this.now = due.at;
      due.task();
    }
    this.now = end;
    await settle();
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

function setUp(controllerId: number) {
  const broker = { context: { controllerId } };
  const node = { broker, replicaStepped: undefined } as unknown as BrokerNode;
  const world = new HandClock();
  const gateway = new Gateway(node, world, { clusterId: 'c', autoCreateTopicsEnable: true, numPartitions: 1, defaultReplicationFactor: 3 }, () => undefined, 2_000_000);
  const clientId = gateway.openClient();
  const request: RequestContext = {
    gateway, clientId, version: 7, header: {} as RequestContext['header'],
    body: { topics: [{ name: 'after', numPartitions: 1, replicationFactor: 3, assignments: [], configs: [] }], validateOnly: false, timeoutMs: 30_000 },
  };
  return { broker, world, gateway, clientId, request };
}

function answer(gateway: Gateway, sent: ClusterMessage, code: number): void {
  const correlationId = (sent as { correlationId: number }).correlationId;
  gateway.deliver({ type: 'CreateTopicsResponse', correlationId, name: 'after', errorCode: code, errorMessage: null, topicId: code === 0 ? 'after~1' : '' } as ClusterMessage);
}

type Topics = { topics: { errorCode: number }[] };

describe('forwarding CreateTopics to the active controller (NodeToControllerRequestThread.handleResponse)', () => {
  it('a forward whose connection to the dead controller broke, then NOT_CONTROLLER from the new one still replaying, is served once the new one is active', async () => {
    const { broker, world, gateway, clientId, request } = setUp(102);
    let done: Topics | undefined;
    void handleCreateTopics(request).then((r) => void (done = r as Topics));
    await world.advance(0);
    expect(world.sent.map((s) => [s.to, s.message.type])).toEqual([[102, 'CreateTopics']]);
    // 102 was killed: the connection breaks, and the quorum elects 103.
    gateway.deliver(disconnected(102), clientId);
    broker.context.controllerId = 103;
    await world.advance(FORWARD_POLL_MS);
    expect(world.sent.map((s) => s.to)).toEqual([102, 103]);
    // 103 leads the quorum but its controller has not replayed the log yet (QuorumController not yet active).
    answer(gateway, world.sent[1]!.message, errorCode('NOT_CONTROLLER'));
    await world.advance(FORWARD_POLL_MS);
    expect(done).toBeUndefined();
    expect(world.sent.map((s) => s.to)).toEqual([102, 103, 103]);
    answer(gateway, world.sent[2]!.message, 0);
    await world.advance(0);
    expect(done?.topics[0]?.errorCode).toBe(0);
  });

  it('with no active controller known (an election running) the forward waits for the quorum to name one', async () => {
    const { broker, world, request } = setUp(-1);
    let done: Topics | undefined;
    void handleCreateTopics(request).then((r) => void (done = r as Topics));
    await world.advance(2_000);
    expect(done).toBeUndefined();
    expect(world.sent).toEqual([]);
    broker.context.controllerId = 101;
    await world.advance(FORWARD_POLL_MS);
    expect(world.sent.map((s) => [s.to, s.message.type])).toEqual([[101, 'CreateTopics']]);
  });

  it('a controller that never becomes active: REQUEST_TIMED_OUT once the forwarding retry timeout passed', async () => {
    const { world, gateway, request } = setUp(103);
    let done: Topics | undefined;
    void handleCreateTopics(request).then((r) => void (done = r as Topics));
    for (let t = 0; t < FORWARD_RETRY_TIMEOUT_MS && done === undefined; t += FORWARD_POLL_MS) {
      await world.advance(0);
      const last = world.sent[world.sent.length - 1];
      if (last !== undefined && !(last as { answered?: boolean }).answered) {
        (last as { answered?: boolean }).answered = true;
        answer(gateway, last.message, errorCode('NOT_CONTROLLER'));
      }
      await world.advance(FORWARD_POLL_MS);
    }
    expect(done?.topics[0]?.errorCode).toBe(errorCode('REQUEST_TIMED_OUT'));
    expect(world.now).toBeGreaterThanOrEqual(FORWARD_RETRY_TIMEOUT_MS - FORWARD_POLL_MS);
  });
});
