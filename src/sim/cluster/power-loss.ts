/**
 * REPL-ACK-1's second allowance: with Kafka's default flush.messages, an acks=all write is
 * acknowledged once every ISR member holds it in its page cache, not on disk. When every member of
 * the ISR loses power at one moment before flushing it, the write is gone on every replica that
 * could be elected cleanly, and Kafka allows that loss (KIP-966 is the later fix). This watch
 * notes, at each power loss, the partition's ISR (from the committed metadata) and the node's
 * recovery point (what its disk holds), and answers whether a lost write is explained.
 */
export interface PowerLossNote {
  readonly atMs: number;
  readonly node: number;
  /** Per partition: its ISR in the committed metadata, and this node's recovery point (flushed offset). */
  readonly partitions: ReadonlyMap<string, { readonly isr: readonly number[]; readonly recoveryPoint: number }>;
}

export class PowerLossWatch {
  private readonly notes: PowerLossNote[] = [];

  /** How many times `node` has lost power so far. */
  lossesOf(node: number): number {
    return this.notes.filter((n) => n.node === node).length;
  }

  /** `node` loses power at `atMs` (called before its unflushed data goes). */
  note(note: PowerLossNote): void {
    this.notes.push(note);
  }

  /**
   * Why the write acknowledged at `ackedAtMs` at `offset` of `partition` may be lost, or null: at
   * some moment after its acknowledgement, every member of the partition's ISR lost power at once
   * with the write above its recovery point.
   */
  allowance(partition: string, offset: number, ackedAtMs: number): string | null {
    const moments = [...new Set(this.notes.filter((n) => n.atMs >= ackedAtMs).map((n) => n.atMs))];
    for (const atMs of moments) {
      const group = this.notes.filter((n) => n.atMs === atMs);
      const isr = group[0]?.partitions.get(partition)?.isr ?? [];
      const unflushedOnAll = isr.length > 0 && isr.every((member) => {
        const lost = group.find((n) => n.node === member)?.partitions.get(partition);
        return lost !== undefined && lost.recoveryPoint <= offset;
      });
      if (unflushedOnAll) return `every ISR member [${isr.join(',')}] lost power at ${atMs}ms before flushing it (flush.messages left to the OS: acks=all acknowledges page-cache copies)`;
    }
    return null;
  }
}
