/**
 * A conformance history, in Jepsen's shape: every operation is an `invoke` followed by one
 * completion of the same process: `ok` (it happened), `fail` (it certainly did not: a definite
 * error) or `info` (it may or may not have: a timeout, a lost connection, an acks=0 write).
 * Values are plain JSON so a history can go into a report as it is.
 */
export type OpType = 'invoke' | 'ok' | 'fail' | 'info';

export type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };

export interface Op {
  readonly index: number;
  /** The client (connection or member) that ran it; one process runs one operation at a time. */
  readonly process: number;
  readonly type: OpType;
  /** What was asked: 'produce', 'fetch', 'join-group', 'api-versions', ... */
  readonly f: string;
  readonly value: Json;
  /** fail: Kafka's error name (or MALFORMED_RESPONSE); info: the indefinite cause. */
  readonly error?: string;
  /**
   * invoke only: the outcomes Kafka gives here ('NONE' or error names), and the Kafka source
   * that says so. Checkers judge the completion against them.
   */
  readonly expect?: readonly string[];
  readonly source?: string;
  /** invoke only: the clause the expectation belongs to. */
  readonly clause?: string;
  readonly timeMs: number;
}

export type History = readonly Op[];

/** Each invoke with its completion (undefined when the history ends before it). */
export function pairs(history: History): { invoke: Op; completion: Op | undefined }[] {
  const open = new Map<number, Op>();
  const out: { invoke: Op; completion: Op | undefined }[] = [];
  const slot = new Map<Op, number>();
  for (const op of history) {
    if (op.type === 'invoke') {
      open.set(op.process, op);
      slot.set(op, out.length);
      out.push({ invoke: op, completion: undefined });
      continue;
    }
    const invoke = open.get(op.process);
    if (invoke === undefined) continue;
    open.delete(op.process);
    out[slot.get(invoke)!] = { invoke, completion: op };
  }
  return out;
}

/** The completions of one kind that succeeded, with their invokes. */
export function oks(history: History, f: string): { invoke: Op; ok: Op }[] {
  return pairs(history).flatMap(({ invoke, completion }) => (invoke.f === f && completion?.type === 'ok' ? [{ invoke, ok: completion }] : []));
}
