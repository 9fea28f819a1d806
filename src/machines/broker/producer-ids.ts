/**
 * The broker's producer id manager (Kafka's RPCProducerIdManager): it hands out ids from the block
 * the controller leased it, prefetches the next block when 90% of the current one is used, and,
 * with no id at hand, fails InitProducerId with COORDINATOR_LOAD_IN_PROGRESS so the client retries
 * while the block request is outstanding (it never parks a request).
 *
 * The state is volatile: a crash loses the block, the restarted broker leases a new one, and the
 * ids left in the old block are skipped, never reused.
 */
import { errorCode } from '../../protocol/errors.js';
import type { AllocateProducerIdsResponse } from '../../protocol/replication/messages.js';

/** ProducerIdManager.PidPrefetchThreshold: at this share of the current block, ask for the next. */
export const PRODUCER_ID_PREFETCH_THRESHOLD = 0.9;
/** ProducerIdManager.RetryBackoffMs: after a failed allocation, no new request for this long. */
export const PRODUCER_ID_RETRY_BACKOFF_MS = 50;

export interface ProducerIdBlock {
  readonly firstProducerId: number;
  readonly size: number;
  /** How many ids of the block are handed out: the next one is firstProducerId + claimed. */
  readonly claimed: number;
}

export interface ProducerIdManagerState {
  /** The block ids are handed out from; null: none yet (Kafka's ProducerIdsBlock.EMPTY). */
  readonly current: ProducerIdBlock | null;
  /** A block received and not yet started. */
  readonly next: ProducerIdBlock | null;
  /**
   * The AllocateProducerIds in flight. `floor`: the lowest start a block answering it can have —
   * every id below it was leased before the request was sent (the broker's metadata image and its
   * own blocks), so a stale answer is refused instead of handing ids out twice.
   */
  readonly request: { readonly correlationId: number; readonly sentAtMs: number; readonly floor: number } | null;
  /** After a failed allocation, no request before this time; -1: no backoff. */
  readonly retryAtMs: number;
}

export const initialProducerIdManager: ProducerIdManagerState = { current: null, next: null, request: null, retryAtMs: -1 };

const endOf = (block: ProducerIdBlock | null): number => (block === null ? 0 : block.firstProducerId + block.size);

/**
 * Whether to send AllocateProducerIds now (RPCProducerIdManager.maybeRequestNextBlock): no block
 * waiting, no request in flight, past the backoff. A request unanswered for `requestTimeoutMs`
 * counts as timed out (Kafka's controller channel gives up after its retry timeout).
 */
export function wantsBlock(state: ProducerIdManagerState, nowMs: number, requestTimeoutMs: number): boolean {
  if (state.next !== null) return false;
  if (state.request !== null && nowMs < state.request.sentAtMs + requestTimeoutMs) return false;
  return state.retryAtMs < 0 || nowMs >= state.retryAtMs;
}

export interface Claim {
  readonly state: ProducerIdManagerState;
  /** The id handed out, or null: none at hand (answer COORDINATOR_LOAD_IN_PROGRESS). */
  readonly producerId: number | null;
  /** Send AllocateProducerIds now. */
  readonly requestBlock: boolean;
}

/** RPCProducerIdManager.generateProducerId: the next unused id, moving on to the prefetched block when the current one is used up. */
export function claimProducerId(state: ProducerIdManagerState, nowMs: number, requestTimeoutMs: number): Claim {
  let s = state;
  if ((s.current === null || s.current.claimed >= s.current.size) && s.next !== null) s = { ...s, current: s.next, next: null };
  const block = s.current;
  if (block === null || block.claimed >= block.size) return { state: s, producerId: null, requestBlock: wantsBlock(s, nowMs, requestTimeoutMs) };
  const producerId = block.firstProducerId + block.claimed;
  s = { ...s, current: { ...block, claimed: block.claimed + 1 } };
  const prefetchAt = block.firstProducerId + Math.floor(block.size * PRODUCER_ID_PREFETCH_THRESHOLD);
  return { state: s, producerId, requestBlock: producerId === prefetchAt && wantsBlock(s, nowMs, requestTimeoutMs) };
}

/** The request just sent; `leasedBelow`: every id below it is known leased (the broker's metadata image). */
export function blockRequested(state: ProducerIdManagerState, correlationId: number, nowMs: number, leasedBelow: number): ProducerIdManagerState {
  const floor = Math.max(leasedBelow, endOf(state.current), endOf(state.next));
  return { ...state, request: { correlationId, sentAtMs: nowMs, floor }, retryAtMs: -1 };
}

/** Whether a response answers the request in flight. */
export function answersRequest(state: ProducerIdManagerState, response: AllocateProducerIdsResponse): boolean {
  return state.request !== null && state.request.correlationId === response.correlationId;
}

/**
 * RPCProducerIdManager.handleAllocateProducerIdsResponse: keep a valid block for when the current
 * one runs out; on an error or a block that is not above every id known leased, back off.
 */
export function receiveBlock(state: ProducerIdManagerState, response: AllocateProducerIdsResponse, nowMs: number): ProducerIdManagerState {
  const request = state.request;
  if (request === null || request.correlationId !== response.correlationId) return state;
  const { producerIdStart: start, producerIdLen: size } = response;
  const valid = response.errorCode === errorCode('NONE') && start >= request.floor && size >= 0 && start <= Number.MAX_SAFE_INTEGER - size;
  if (!valid) return { ...state, request: null, retryAtMs: nowMs + PRODUCER_ID_RETRY_BACKOFF_MS };
  return { ...state, request: null, next: { firstProducerId: start, size, claimed: 0 } };
}
