/**
 * One action's work on a machine's context written as plain code: patches apply at once (later
 * rules see earlier changes), effects, cancellations and timers are collected, and `flush` hands
 * everything to XState's enqueueActions in that order. Keeps the rules readable as functions while
 * the machine stays pure.
 */
import { enqueueActions } from 'xstate';

export interface Enqueue<C, F> {
  assign: (c: C) => void;
  emit: (e: F) => void;
  cancel: (id: string) => void;
  raise: (e: never, o: { delay: number; id: string }) => void;
}

export class Step<C extends object, F> {
  readonly effects: F[] = [];
  readonly cancels: string[] = [];
  readonly timers: { event: Record<string, unknown>; delay: number; id: string }[] = [];
  constructor(public c: C) {}
  patch(p: Partial<C>): void {
    this.c = { ...this.c, ...p };
  }
  effect(e: F): void {
    this.effects.push(e);
  }
  cancel(id: string): void {
    this.cancels.push(id);
  }
  timer(event: Record<string, unknown>, delay: number, id: string): void {
    this.timers.push({ event, delay, id });
  }
  flush(enqueue: Enqueue<C, F>): void {
    enqueue.assign(this.c);
    for (const e of this.effects) enqueue.emit(e);
    for (const id of this.cancels) enqueue.cancel(id);
    for (const t of this.timers) enqueue.raise(t.event as never, { delay: t.delay, id: t.id });
  }
}

/**
 * An XState action that runs one rule as a Step over the machine's context and flushes it
 * (typed loosely: `setup` checks the machine's own types). `after` runs after every rule (a
 * client's loop pass).
 */
export function stepAction<C extends object, F, E>(body: (step: Step<C, F>, event: E) => void, after?: (step: Step<C, F>, event: E) => void): never {
  return enqueueActions(((args: { context: C; enqueue: unknown; event: E }) => {
    const step = new Step<C, F>(args.context);
    body(step, args.event);
    after?.(step, args.event);
    step.flush(args.enqueue as never);
  }) as never) as never;
}
