/**
 * What the fault history says about power losses, for the clauses that must allow what Kafka's
 * default flush policy loses. With flush.messages left to the OS, a replica holds what it has
 * not flushed only in the page cache: acks=all is acknowledged once every ISR member holds a write
 * there, not on disk. When every member of a partition's ISR loses power at one moment, each
 * restarts with only its flushed prefix; the controller may elect any of them (they are all still
 * in the ISR) and the others truncate to it, so every offset at or above the lowest of their
 * recovery points may be rewritten. Kafka allows that loss (KIP-966's unclean-shutdown handling
 * is the later fix). This watch notes, at each power loss, each partition's ISR (from the
 * committed metadata) and the node's recovery point, log start and log end offsets, and each
 * committed ISR and leader change; never the broker's own account of what it lost.
 *
 * A node whose flushed prefix of a partition held nothing above its log start offset (retention
 * had deleted the older segments) comes back with an empty log and no producer state for it; the
 * watch lists those (producerStateLosses) for PROD-SEQ-1.
 */
import type { ProducerStateLoss } from '../../../spec/producer/clauses.js';

export interface PowerLossNote {
  readonly atMs: number;
  readonly node: number;
  /** Per partition: its ISR in the committed metadata, and this node's recovery point (flushed offset), log start and log end offsets. */
  readonly partitions: ReadonlyMap<string, { readonly isr: readonly number[]; readonly recoveryPoint: number; readonly logStartOffset?: number; readonly logEndOffset?: number }>;
}

/** A moment every ISR member of a partition lost power, and from which offset its log may be rewritten. */
export interface IsrPowerLoss {
  readonly key: string;
  readonly atMs: number;
  readonly isr: readonly number[];
  /** The lowest recovery point among the ISR members: any of them may lead next, the others truncate to it. */
  readonly fromOffset: number;
  /** The highest log end offset among them: nothing at or above it was lost (none of them had it). */
  readonly toOffset: number;
}

/**
 * How long a fetch response may be on its way to a consumer: a record read at t was in the log at
 * t minus this, so a power loss that late may have taken it (the network's delays are a few ms).
 */
export const RESPONSE_IN_FLIGHT_MS = 1_000;

/**
 * How long a leader may act on an ISR the metadata log has already replaced: a broker applies a
 * committed ISR change only once it has fetched and replayed it (ReplicaManager.applyDelta).
 */
export const ISR_PROPAGATION_MS = 1_000;

export class PowerLossWatch {
  private readonly notes: PowerLossNote[] = [];
  private readonly isrSizes = new Map<string, { atMs: number; size: number }[]>();
  /** Each partition's leader epochs in the committed metadata, with their leader and when each was committed. */
  private readonly leaderEpochs = new Map<string, { atMs: number; leader: number; leaderEpoch: number }[]>();
  /** Every whole-ISR power loss so far, in time order (the clauses read it through the view). */
  readonly isrLosses: IsrPowerLoss[] = [];

  /**
   * @param logEndOffsetOf what a node's disk holds of a partition now (up or down), or undefined
   *   when unknown: then a node that lost power is taken to hold only its flushed prefix still.
   */
  constructor(private readonly logEndOffsetOf: (node: number, key: string) => number | undefined = () => undefined) {}

  /** How many times `node` has lost power so far. */
  lossesOf(node: number): number {
    return this.notes.filter((n) => n.node === node).length;
  }

  /** `node` loses power at `atMs` (called before its unflushed data goes). */
  note(note: PowerLossNote): void {
    this.notes.push(note);
  }

  /** Every node that loses power at this moment has been noted: record the partitions whose whole ISR went down. */
  momentEnded(atMs: number): void {
    const group = this.notes.filter((n) => n.atMs === atMs);
    const keys = new Set(group.flatMap((n) => [...n.partitions.keys()]));
    for (const key of keys) this.maybeIsrLoss(key, group[0]?.partitions.get(key)?.isr ?? []);
  }

  /**
   * The committed metadata changed a partition's ISR at `atMs`. An ISR that shrinks to members
   * that all lost power and have not refilled their logs since opens the window as a whole-ISR
   * loss at one moment does: the members that kept their data (a crashed process keeps the page
   * cache) were fenced and left the ISR (ReplicationControlManager.handleBrokerFenced keeps the last
   * member), and the controller will elect one that comes back with only its flushed prefix. Seed
   * 222 of the reference sweep: broker 3 crashed, brokers 1 and 2 lost power, the ISR shrank to
   * them and broker 2 led again from an empty log; seed 723: broker 2 crashed and was fenced first,
   * leaving broker 1, which had lost power, the last member.
   */
  isrCommitted(key: string, isr: readonly number[], atMs: number): void {
    this.maybeIsrLoss(key, isr);
    const sizes = this.isrSizes.get(key) ?? [];
    if (sizes.at(-1)?.size === isr.length) return;
    sizes.push({ atMs, size: isr.length });
    this.isrSizes.set(key, sizes);
  }

  /** The committed metadata names `leader` (-1: none) leader of `key` in `leaderEpoch`, at `atMs`. */
  leaderCommitted(key: string, leader: number, leaderEpoch: number, atMs: number): void {
    const epochs = this.leaderEpochs.get(key) ?? [];
    if (epochs.at(-1)?.leaderEpoch === leaderEpoch) return;
    epochs.push({ atMs, leader, leaderEpoch });
    this.leaderEpochs.set(key, epochs);
  }

  /**
   * PROD-SEQ-1's window, from the history: each power loss that left a node's log of a partition
   * empty (its recovery point not above its log start offset, so LogLoader.load finds no batch and
   * ProducerStateManager.truncateAndReload keeps no snapshot), with the leader epochs the
   * committed metadata elected the node to after the loss and before its next one. Whether some
   * other ISR member kept its data does not matter: any ISR member may be elected, and the one
   * elected checks sequences against its own state only.
   */
  producerStateLosses(): ProducerStateLoss[] {
    return this.notes.flatMap((note) => {
      const lostAgainAtMs = this.notes.find((n) => n.node === note.node && n.atMs > note.atMs)?.atMs ?? Number.POSITIVE_INFINITY;
      return [...note.partitions].flatMap(([key, held]) => {
        if (held.logStartOffset === undefined || held.recoveryPoint > held.logStartOffset) return [];
        const leaderEpochs = (this.leaderEpochs.get(key) ?? [])
          .filter((e) => e.leader === note.node && e.atMs > note.atMs && e.atMs < lostAgainAtMs)
          .map((e) => e.leaderEpoch);
        return leaderEpochs.length === 0 ? [] : [{ partition: key, broker: note.node, atMs: note.atMs, offset: held.logStartOffset, leaderEpochs }];
      });
    });
  }

  /**
   * Records a whole-ISR loss of `key` when every member of `isr` lost power and has not refilled its
   * log to where it ended then. Any member may lead next and the others truncate to it, so the
   * window starts at the shortest log among them now and ends at the longest they had lost.
   */
  private maybeIsrLoss(key: string, isr: readonly number[]): void {
    if (isr.length === 0) return;
    const lost: { atMs: number; now: number; before: number }[] = [];
    for (const member of isr) {
      const note = this.notes.findLast((n) => n.node === member);
      const held = note?.partitions.get(key);
      if (note === undefined || held === undefined) return;
      const before = held.logEndOffset ?? Number.MAX_SAFE_INTEGER;
      const now = Math.max(held.recoveryPoint, this.logEndOffsetOf(member, key) ?? held.recoveryPoint);
      if (now >= before) return;
      lost.push({ atMs: note.atMs, now, before });
    }
    const atMs = Math.max(...lost.map((l) => l.atMs));
    if (this.isrLosses.some((l) => l.key === key && l.atMs === atMs)) return;
    const fromOffset = Math.min(...lost.map((l) => l.now));
    const toOffset = Math.max(...lost.map((l) => l.before));
    if (fromOffset < toOffset) this.isrLosses.push({ key, atMs, isr, fromOffset, toOffset });
  }

  /** The largest committed ISR of `key` at any moment of [fromMs, toMs]. */
  private largestIsr(key: string, fromMs: number, toMs: number): number {
    const sizes = this.isrSizes.get(key) ?? [];
    let largest = 0;
    sizes.forEach((s, i) => {
      const until = sizes[i + 1]?.atMs ?? Number.POSITIVE_INFINITY;
      if (s.atMs <= toMs && until >= fromMs) largest = Math.max(largest, s.size);
    });
    return largest;
  }

  /** The whole-ISR power loss after `afterMs` that may have rewritten `offset` of `key`, or null. */
  lossAfter(key: string, offset: number, afterMs: number): IsrPowerLoss | null {
    return this.isrLosses.find((l) => l.key === key && l.atMs >= afterMs && offset >= l.fromOffset && offset < l.toOffset) ?? null;
  }

  /**
   * Why the write sent at `sentAtMs` and acknowledged at `ackedAtMs` at `offset` of `partition`
   * may be lost, or null. Two conditions, both Kafka's: the acknowledgement was one Kafka gives
   * (the committed ISR had at least min.insync.replicas members while the write was in flight:
   * Partition.appendRecordsToLeader and checkEnoughReplicasReachOffset refuse acks=all below it,
   * so an acknowledged write sat in that many page caches), and at some moment after it every ISR
   * member lost power, after the write was sent, with it above the lowest of their recovery points.
   */
  allowance(partition: string, offset: number, ackedAtMs: number, sentAtMs: number, minInsyncReplicas: number): string | null {
    // The leader may have answered before it lost power, the answer reaching the client after: the write was sent before the loss.
    const loss = this.lossAfter(partition, offset, sentAtMs);
    if (loss === null) return null;
    const largest = this.largestIsr(partition, sentAtMs - ISR_PROPAGATION_MS, ackedAtMs);
    if (largest < minInsyncReplicas) return null;
    return `every ISR member [${loss.isr.join(',')}] lost power at ${loss.atMs}ms before flushing it (flush.messages left to the OS: acks=all acknowledges page-cache copies on at least min.insync.replicas=${minInsyncReplicas} replicas)`;
  }
}
