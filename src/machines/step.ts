/**
 * One action's work on a machine's context written as plain code: patches apply at once (later
 * rules see earlier changes), effects, cancellations and timers are collected, and `flush` hands
 * everything to XState's enqueueActions in that order. Keeps the rules readable as functions while
 * the machine stays pure.
 */
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
