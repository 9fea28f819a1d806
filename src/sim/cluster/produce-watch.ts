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
}

export class ProduceWatch {
  private readonly sent = new Map<string, SentAttempt>();
  /** Retries that arrived at a leader holding the original batch, by broker, client and correlation id. */
  private readonly retries = new Map<string, { original: ProducerBatch; key: string }>();

  get attempts(): readonly ProduceAttempt[] {
    return [...this.sent.values()];
  }

  /** The producer put a Produce request on the wire to `broker`. */
  requestSent(broker: number, request: ProduceRequest): void {
    this.sent.set(`${broker}/${request.correlationId}`, {
      partition: `${request.topic}-${request.partition}`, producerId: request.producerId ?? -1, producerEpoch: request.producerEpoch ?? -1,
      baseSequence: request.baseSequence ?? -1, values: request.records.map((r) => r.value ?? ''), answerErrorCode: null,
    });
  }

  /** An answer from `broker` reached the producer. */
  answerReceived(broker: number, response: ProduceResponse): void {
    const attempt = this.sent.get(`${broker}/${response.correlationId}`);
    if (attempt !== undefined) attempt.answerErrorCode = response.errorCode;
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
