/**
 * The simulated network: one queue per directed link with seeded delay, loss, duplication and
 * reordering, and a set of cut links (partitions). Per-link filters drop messages by type, for
 * scenarios ("drop every FetchRequest from n3"). Without reordering a link is FIFO, as a TCP
 * connection is.
 */
import type { Random } from '../core/prng.js';
import type { NetworkOptions } from './options.js';

export interface LinkFilter {
  readonly from?: number;
  readonly to?: number;
  readonly messageType: string;
}

export type SendDecision = { readonly deliverAt: number[] } | { readonly dropped: 'loss' | 'partition' | 'filter' };

export class Network {
  private readonly cut = new Set<string>();
  private readonly lastDeliveryAt = new Map<string, number>();
  readonly filters: LinkFilter[] = [];

  constructor(
    private readonly options: NetworkOptions,
    private readonly random: Random,
  ) {}

  isCut(from: number, to: number): boolean {
    return this.cut.has(`${from}>${to}`);
  }

  cutLink(from: number, to: number): void {
    if (from !== to) this.cut.add(`${from}>${to}`);
  }

  isolate(node: number, nodes: readonly number[]): void {
    for (const other of nodes) {
      this.cutLink(node, other);
      this.cutLink(other, node);
    }
  }

  split(side: readonly number[], nodes: readonly number[]): void {
    for (const a of side) for (const b of nodes) if (!side.includes(b)) this.isolatePair(a, b);
  }

  heal(): void {
    this.cut.clear();
  }

  cutLinks(): string[] {
    return [...this.cut].sort();
  }

  /** Decide the fate of one message sent at `now`: its delivery time(s), or why it is dropped. */
  send(from: number, to: number, messageType: string, now: number): SendDecision {
    if (this.isCut(from, to)) return { dropped: 'partition' };
    if (this.filters.some((f) => f.messageType === messageType && (f.from === undefined || f.from === from) && (f.to === undefined || f.to === to))) {
      return { dropped: 'filter' };
    }
    if (this.random.chance(this.options.lossProbability)) return { dropped: 'loss' };
    const copies = this.random.chance(this.options.duplicateProbability) ? 2 : 1;
    const deliverAt: number[] = [];
    for (let i = 0; i < copies; i++) deliverAt.push(this.deliveryTime(from, to, now));
    return { deliverAt };
  }

  private deliveryTime(from: number, to: number, now: number): number {
    const exponential = -Math.log(1 - this.random.float()) * this.options.delayMeanMs;
    let at = now + this.options.delayMinMs + Math.round(exponential);
    const link = `${from}>${to}`;
    if (!this.random.chance(this.options.reorderProbability)) at = Math.max(at, this.lastDeliveryAt.get(link) ?? 0);
    this.lastDeliveryAt.set(link, Math.max(at, this.lastDeliveryAt.get(link) ?? 0));
    return at;
  }

  private isolatePair(a: number, b: number): void {
    this.cutLink(a, b);
    this.cutLink(b, a);
  }
}
