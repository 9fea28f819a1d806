/**
 * A test hook on a broker's client gateway, for judging clients (`kspec conform --client`): it
 * sees every request a client sent and the answer the node gave, and may inject one fault, a lost
 * response: the request was handled (a write is in the log, a commit stored) but its answer never
 * reaches the client, whose connection is cut as a network fault would cut it. The hook changes
 * no rule: the node decided the answer before the hook saw it.
 */
import type { RequestHeader } from '../../protocol/wire/index.js';

export interface Exchange {
  readonly clientId: number;
  readonly header: RequestHeader;
  /** The decoded request body (Kafka's field names; record batches as bytes). */
  readonly request: unknown;
  /** The node's answer (before it is fitted to the version), or null when none is sent (acks=0). */
  readonly response: Record<string, unknown> | null;
}

export type Fate = 'deliver' | 'lose-response';

export interface GatewayTap {
  /** Called once per handled request; the answer goes out unless this says it is lost. */
  exchanged(exchange: Exchange): Fate;
}
