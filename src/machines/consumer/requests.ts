/**
 * Requests in flight (NetworkClient's bookkeeping): a correlation id per request, the answer
 * matched back to it, and a request given up after its timeout. Answers nobody waits for (a
 * duplicate, or one to a request already given up) are dropped.
 */
import type { GroupMessage } from '../../protocol/groups/messages.js';
import type { ReplicationMessage } from '../../protocol/replication/messages.js';
import type { ConsumerContext, ConsumerStep, InFlightRequest, RequestKind } from './context.js';

/** AbstractCoordinator.JOIN_GROUP_TIMEOUT_LAPSE: a JoinGroup may wait the whole rebalance timeout, plus this. */
const JOIN_GROUP_TIMEOUT_LAPSE_MS = 5_000;

export function requestTimeoutOf(c: ConsumerContext, kind: RequestKind): number {
  return kind === 'JoinGroup' ? Math.max(c.config.requestTimeoutMs, c.config.maxPollIntervalMs + JOIN_GROUP_TIMEOUT_LAPSE_MS) : c.config.requestTimeoutMs;
}

/** Send a request and keep it until its answer; returns its correlation id. */
export function sendRequest(
  step: ConsumerStep, to: number, kind: RequestKind, build: (correlationId: number) => GroupMessage | ReplicationMessage,
  nowMs: number, details: Partial<Omit<InFlightRequest, 'kind' | 'to' | 'sentAtMs' | 'timeoutMs'>> = {},
): number {
  const correlationId = step.c.nextCorrelationId;
  const entry: InFlightRequest = { kind, to, sentAtMs: nowMs, timeoutMs: requestTimeoutOf(step.c, kind), ...details };
  step.patch({ nextCorrelationId: correlationId + 1, requests: { ...step.c.requests, [correlationId]: entry } });
  step.effect({ type: 'send', to, message: build(correlationId) });
  return correlationId;
}

/** Take an answer's request off the books; null when nothing of that kind waits for it. */
export function completeRequest(step: ConsumerStep, correlationId: number, kind: RequestKind): InFlightRequest | null {
  const entry = step.c.requests[correlationId];
  if (entry === undefined || entry.kind !== kind) return null;
  forgetRequest(step, correlationId);
  return entry;
}

export function forgetRequest(step: ConsumerStep, correlationId: number): void {
  const requests = { ...step.c.requests };
  delete requests[correlationId];
  step.patch({ requests });
}

export const hasRequestInFlight = (c: ConsumerContext, kind: RequestKind): boolean => Object.values(c.requests).some((r) => r.kind === kind);

export function requestsWhere(c: ConsumerContext, keep: (r: InFlightRequest) => boolean): [number, InFlightRequest][] {
  return Object.entries(c.requests).filter(([, r]) => keep(r)).map(([id, r]) => [Number(id), r]);
}

/** A node for a request any broker answers (Metadata, FindCoordinator): the bootstrap brokers in turn (leastLoadedNode). */
export function anyBroker(step: ConsumerStep): number {
  const brokers = step.c.bootstrap;
  const node = brokers[step.c.nodeCursor % brokers.length] as number;
  step.patch({ nodeCursor: step.c.nodeCursor + 1 });
  return node;
}
