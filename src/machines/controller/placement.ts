/**
 * Replica placement for new partitions, as Kafka's KRaft controller does it
 * (org.apache.kafka.metadata.placement.StripedReplicaPlacer):
 *
 * - Brokers are grouped by rack; within a rack, unfenced and fenced brokers are kept in two sorted
 *   lists, each read round-robin from a random starting offset.
 * - Each partition starts at the next rack (the "stripe"): its first replica — the preferred
 *   leader — is the next unfenced broker of the first rack that has one; the other replicas come
 *   from the following racks in turn (unfenced brokers first), so replicas spread over racks and
 *   never repeat a broker.
 * - Once every unfenced broker has led a partition, the rack and broker orders are reshuffled,
 *   so the same replica sets do not repeat.
 *
 * Java's `Random` becomes kspec's seeded PRNG: the placement is a pure function of its inputs.
 */
import { nextInt } from '../../core/prng.js';

export interface UsableBroker {
  readonly id: number;
  readonly rack: string | null;
  readonly fenced: boolean;
}

export type PlacementResult =
  | { readonly ok: true; readonly assignments: number[][]; readonly random: number }
  | { readonly ok: false; readonly error: 'INVALID_REPLICATION_FACTOR'; readonly message: string };

/** A sorted list of brokers read round-robin from an offset; a new iteration epoch moves the offset on. */
class BrokerRing {
  brokers: number[] = [];
  private index = 0;
  offset = 0;
  private epoch = 0;

  next(epoch: number): number | null {
    if (this.brokers.length === 0) return null;
    if (this.epoch !== epoch) {
      this.epoch = epoch;
      this.index = 0;
      this.offset = (this.offset + 1) % this.brokers.length;
    }
    if (this.index >= this.brokers.length) return null;
    return this.brokers[(this.index++ + this.offset) % this.brokers.length] as number;
  }
}

interface Rack {
  readonly unfenced: BrokerRing;
  readonly fenced: BrokerRing;
}

class Prng {
  constructor(public state: number) {}
  int(bound: number): number {
    const drawn = nextInt(this.state, 0, bound - 1);
    this.state = drawn.state;
    return drawn.value;
  }
  shuffle<T>(items: T[]): void {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [items[i], items[j]] = [items[j] as T, items[i] as T];
    }
  }
}

const rackOrder = (a: string | null, b: string | null): number => (a === b ? 0 : a === null ? -1 : b === null ? 1 : a < b ? -1 : 1);

export function placeReplicas(brokers: readonly UsableBroker[], partitions: number, replicationFactor: number, randomState: number): PlacementResult {
  const unfencedCount = brokers.filter((b) => !b.fenced).length;
  if (replicationFactor <= 0) return invalid(`Invalid replication factor ${replicationFactor}: the replication factor must be positive.`);
  if (unfencedCount === 0) return invalid('All brokers are currently fenced.');
  if (replicationFactor > brokers.length) {
    return invalid(`The target replication factor of ${replicationFactor} cannot be reached because only ${brokers.length} broker(s) are registered.`);
  }
  const random = new Prng(randomState);
  const racks = new Map<string | null, Rack>();
  for (const broker of brokers) {
    const rack = racks.get(broker.rack) ?? { unfenced: new BrokerRing(), fenced: new BrokerRing() };
    racks.set(broker.rack, rack);
    (broker.fenced ? rack.fenced : rack.unfenced).brokers.push(broker.id);
  }
  for (const rack of [...racks.keys()].sort(rackOrder).map((name) => racks.get(name) as Rack)) {
    for (const ring of [rack.fenced, rack.unfenced]) {
      if (ring.brokers.length === 0) continue;
      ring.brokers.sort((a, b) => a - b);
      ring.offset = random.int(ring.brokers.length);
    }
  }
  const rackNames = [...racks.keys()].sort(rackOrder);
  let rackOffset = random.int(rackNames.length);
  let epoch = 0;
  const assignments: number[][] = [];
  for (let p = 0; p < partitions; p++) {
    if (epoch === unfencedCount && unfencedCount > 1) {
      random.shuffle(rackNames);
      for (const rack of racks.values()) {
        random.shuffle(rack.fenced.brokers);
        random.shuffle(rack.unfenced.brokers);
      }
      epoch = 0;
    }
    if (rackOffset === rackNames.length) rackOffset = 0;
    const replicas: number[] = [];
    let leaderRack = rackOffset;
    for (;;) {
      const leader = (racks.get(rackNames[leaderRack] as string | null) as Rack).unfenced.next(epoch);
      if (leader !== null) {
        replicas.push(leader);
        break;
      }
      leaderRack = (leaderRack + 1) % rackNames.length;
    }
    let rackIndex = rackOffset;
    let skipRack: number | null = leaderRack;
    while (replicas.length < replicationFactor) {
      let found: number | null = null;
      while (found === null) {
        if (rackIndex === skipRack) skipRack = null;
        else {
          const rack = racks.get(rackNames[rackIndex] as string | null) as Rack;
          found = rack.unfenced.next(epoch) ?? rack.fenced.next(epoch);
        }
        rackIndex = (rackIndex + 1) % rackNames.length;
      }
      replicas.push(found);
    }
    assignments.push(replicas);
    epoch++;
    rackOffset++;
  }
  return { ok: true, assignments, random: random.state };
}

function invalid(message: string): PlacementResult {
  return { ok: false, error: 'INVALID_REPLICATION_FACTOR', message };
}
