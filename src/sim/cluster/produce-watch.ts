/**
 * What the wire shows of idempotent produce, for the producer clauses: every Produce request the
 * producer machine sent and whether an answer came back (PROD-IDEM-1/2 allow KIP-360's windows
 * only where the client could not know a copy's fate), and, at each leader, the retries of
 * batches it already holds and how it answered them (PROD-DEDUP-1). It watches messages and
 * logs only; the broker's own producer state is never consulted.
 */
import type { PartitionLog } from '../../log/partition-log.js';
import type { ProduceRequest, ProduceResponse } from '../../protocol/replication/messages.js';
import { judgeRetryAnswer, retriedBatch, type ProduceAttempt, type ProducerBatch } from '../../../spec/producer/clauses.js';

interface SentAttempt extends ProduceAttempt {
  answerErrorCode: number | null;
  readonly sentMs: number;
}

export class ProduceWatch {
  private readonly sent = new Map<string, SentAttempt>();
  /** Per broker, the attempts on its current connection still waiting for an answer, in send order. */
  private readonly waiting = new Map<number, SentAttempt[]>();
  /** Retries that arrived at a leader holding the original batch, by broker, client and correlation id. */
  private readonly retries = new Map<string, { original: ProducerBatch; key: string }>();

  /** `requestTimeoutMs`: the producer's request.timeout.ms, after which NetworkClient closes the request's connection. */
  constructor(private readonly requestTimeoutMs: number = Number.POSITIVE_INFINITY) {}

  get attempts(): readonly ProduceAttempt[] {
    return [...this.sent.values()];
  }

  /** The producer put a Produce request on the wire to `broker` at `nowMs`. */
  requestSent(broker: number, request: ProduceRequest, nowMs = 0): void {
    this.closeTimedOut(broker, nowMs);
    const attempt: SentAttempt = {
      partition: `${request.topic}-${request.partition}`, producerId: request.producerId ?? -1, producerEpoch: request.producerEpoch ?? -1,
      baseSequence: request.baseSequence ?? -1, values: request.records.map((r) => r.value ?? ''), answerErrorCode: null, sentMs: nowMs,
    };
    this.sent.set(`${broker}/${request.correlationId}`, attempt);
    this.waiting.set(broker, [...(this.waiting.get(broker) ?? []), attempt]);
  }

  /** An answer from `broker` reached the producer at `nowMs`; one on a connection that closed since is never read. */
  answerReceived(broker: number, response: ProduceResponse, nowMs = 0): void {
    this.closeTimedOut(broker, nowMs);
    const attempt = this.sent.get(`${broker}/${response.correlationId}`);
    const waiting = this.waiting.get(broker) ?? [];
    if (attempt === undefined || !waiting.includes(attempt)) return;
    attempt.answerErrorCode = response.errorCode;
    this.waiting.set(broker, waiting.filter((a) => a !== attempt));
  }

  /** The producer's connection to `broker` broke: what was in flight on it stays unanswered. */
  connectionClosed(broker: number): void {
    this.waiting.delete(broker);
  }

  /**
   * NetworkClient.handleTimedOutRequests, read from the history: a request to `broker` left
   * unanswered for request.timeout.ms closed the connection at that moment, and with it every
   * request sent on it before then; requests sent later travel on a new connection.
   */
  private closeTimedOut(broker: number, nowMs: number): void {
    let waiting = this.waiting.get(broker) ?? [];
    // The oldest waiting request expires first; whatever was sent after the close may expire in its turn.
    while (waiting.length > 0 && waiting[0]!.sentMs + this.requestTimeoutMs <= nowMs) {
      const closedAtMs = waiting[0]!.sentMs + this.requestTimeoutMs;
      waiting = waiting.filter((a) => a.sentMs > closedAtMs);
    }
    this.waiting.set(broker, waiting);
  }

  /** A Produce arrived at `broker`'s leader replica, whose log is `log`: remember it if it retries a batch the log holds. */
  requestArrived(broker: number, from: number, request: ProduceRequest, log: PartitionLog | undefined): void {
    if (log === undefined || (request.producerId ?? -1) < 0) return;
    const batches: ProducerBatch[] = [];
    for (const b of log.batches()) if (b.producerId === request.producerId) batches.push({ baseOffset: b.baseOffset, producerId: b.producerId, producerEpoch: b.producerEpoch, baseSequence: b.baseSequence, recordCount: b.lastOffsetDelta + 1 });
    const original = retriedBatch(batches, { producerId: request.producerId ?? -1, producerEpoch: request.producerEpoch ?? -1, baseSequence: request.baseSequence ?? -1, recordCount: request.records.length });
    if (original !== null) this.retries.set(`${broker}/${from}/${request.correlationId}`, { original, key: `${request.topic}-${request.partition}` });
  }

  /** `broker` answers `to`: PROD-DEDUP-1's verdict on the answer to a retry, or null. */
  answerSent(broker: number, to: number, response: ProduceResponse): string | null {
    const id = `${broker}/${to}/${response.correlationId}`;
    const retry = this.retries.get(id);
    if (retry === undefined) return null;
    this.retries.delete(id);
    const problem = judgeRetryAnswer(retry.original, response);
    return problem === null ? null : `${retry.key}: broker ${broker} ${problem}`;
  }
}
