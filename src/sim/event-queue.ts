/**
 * The simulator's single event queue, ordered by (virtual time, sequence). Ties between equal
 * times are broken by the global sequence number, never by chance or by sort stability.
 * Cancelled items stay in the heap and are skipped when popped (lazy deletion).
 */
export interface Scheduled<T> {
  readonly time: number;
  readonly sequence: number;
  readonly item: T;
  cancelled: boolean;
}

export class EventQueue<T> {
  private readonly heap: Scheduled<T>[] = [];
  private nextSequence = 0;
  private live = 0;

  get size(): number {
    return this.live;
  }

  push(time: number, item: T): Scheduled<T> {
    if (!Number.isFinite(time)) throw new Error(`event scheduled at a non-finite time: ${time}`);
    const entry: Scheduled<T> = { time, sequence: this.nextSequence++, item, cancelled: false };
    this.heap.push(entry);
    this.siftUp(this.heap.length - 1);
    this.live++;
    return entry;
  }

  cancel(entry: Scheduled<T>): void {
    if (!entry.cancelled) {
      entry.cancelled = true;
      this.live--;
    }
  }

  /** The earliest live entry without removing it. */
  peek(): Scheduled<T> | undefined {
    this.dropCancelledTop();
    return this.heap[0];
  }

  pop(): Scheduled<T> | undefined {
    this.dropCancelledTop();
    const top = this.heap[0];
    if (top === undefined) return undefined;
    this.removeTop();
    this.live--;
    return top;
  }

  /** Every live entry, in queue order (for the stepper and scenario output). */
  pending(): Scheduled<T>[] {
    return this.heap.filter((e) => !e.cancelled).sort(compare);
  }

  private dropCancelledTop(): void {
    while (this.heap.length > 0 && (this.heap[0] as Scheduled<T>).cancelled) this.removeTop();
  }

  private removeTop(): void {
    const last = this.heap.pop() as Scheduled<T>;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      this.siftDown(0);
    }
  }

  private siftUp(index: number): void {
    const heap = this.heap;
    let i = index;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (compare(heap[i] as Scheduled<T>, heap[parent] as Scheduled<T>) >= 0) break;
      [heap[i], heap[parent]] = [heap[parent] as Scheduled<T>, heap[i] as Scheduled<T>];
      i = parent;
    }
  }

  private siftDown(index: number): void {
    const heap = this.heap;
    let i = index;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < heap.length && compare(heap[left] as Scheduled<T>, heap[smallest] as Scheduled<T>) < 0) smallest = left;
      if (right < heap.length && compare(heap[right] as Scheduled<T>, heap[smallest] as Scheduled<T>) < 0) smallest = right;
      if (smallest === i) return;
      [heap[i], heap[smallest]] = [heap[smallest] as Scheduled<T>, heap[i] as Scheduled<T>];
      i = smallest;
    }
  }
}

function compare<T>(a: Scheduled<T>, b: Scheduled<T>): number {
  return a.time - b.time || a.sequence - b.sequence;
}
