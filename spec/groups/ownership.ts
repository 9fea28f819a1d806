/**
 * CG-COOP-1 (protocol-rules E.2): no partition is owned by two consumers of the group at once, as
 * the clients themselves saw it — judged over the consumers' rebalance callbacks, not over the
 * coordinator's state (CG-ASSIGN-1 and CGH-OWN-1 judge that).
 *
 * A consumer owns a partition from the `assigned` callback that gives it until the `revoked` or
 * `lost` callback that takes it, or until its process crashes. Two windows in which Kafka's own
 * clients overlap are reported as allowed, with their reason, as the producer's KIP-360 windows
 * are:
 * - the zombie window (both protocols): the earlier owner was removed from the group (its session
 *   or rebalance timeout expired at the coordinator) before it knew. The coordinator only keeps
 *   one owner among its current members; a former member's commits are fenced (CG-COMMIT-3). The
 *   history shows it either way: the consumer finds out later and its ownership ends with `lost`
 *   (ConsumerRebalanceListener.onPartitionsLost), or the coordinator's state shows the removal
 *   (a `removed` event of the member that held the partition, between its assignment and the
 *   later one), and then the zombie may also crash, or be cut off to the end, before it knows.
 *   The zombie may also be the later owner: a member that applies the target of an answer it had
 *   before the coordinator removed it (KIP-848's ConsumerMembershipManager reconciles what it was
 *   last told until a heartbeat answers FENCED_MEMBER_EPOCH or UNKNOWN_MEMBER_ID); the history
 *   marks such an assignment (memberAtCoordinator false).
 * - the KIP-848 reconciliation windows: a member's heartbeat reports the partitions it has
 *   reconciled, not the ones it is still taking; the coordinator reads "not reported" as
 *   "revoked" (CurrentAssignmentBuilder.ownsRevokedPartitions) and hands them on. Two such
 *   interleavings are known (after a lost heartbeat the full request reports stale owned
 *   partitions; a poll between an acknowledgement and its answer reconciles a target the
 *   acknowledgement gave up: test/consumer/membership-consumer-protocol.test.ts). The coordinator
 *   itself never assigns a partition twice (CGH-OWN-1, judged at every step), so in a KIP-848 group
 *   an overlap that ends with `revoked` is one of these.
 * Anything else — a classic group whose earlier owner later revokes normally — is a violation.
 */
import type { Clause, HistoryResult } from '../clause.js';
import type { ConsumerEvent } from './view.js';

export const SingleOwnerAtOnce: Clause = {
  id: 'CG-COOP-1',
  title: 'No partition is owned by two consumers at once',
  statement: 'Between the rebalance callback that assigns a partition to a consumer (onPartitionsAssigned) and the one that takes it away (onPartitionsRevoked, onPartitionsLost) or the consumer\'s crash, no other consumer of the group is assigned that partition. Allowed, and reported: a zombie whose membership expired at the coordinator before it knew (its ownership ends with onPartitionsLost, or the coordinator had removed it before the later assignment, or it is the later owner and applied a target after the coordinator had removed it; its commits are fenced), and in KIP-848 groups the windows in which a reconciling member\'s heartbeat omits partitions it is still taking.',
  source: 'protocol-rules E.2 CG-COOP-1; ConsumerRebalanceListener; ConsumerCoordinator (revoke before re-join), KIP-429 (cooperative: revoke, then re-join); KIP-848 CurrentAssignmentBuilder.ownsRevokedPartitions, ConsumerMembershipManager',
  kind: 'history',
  anomaly: 'double-owner',
};

export interface OwnershipFinding {
  readonly partition: string;
  readonly allowed: boolean;
  readonly detail: string;
}

interface Holding {
  readonly consumer: number;
  readonly since: number;
  /** The consumer applied the assignment after the coordinator had removed its member (a zombie's late reconciliation). */
  readonly zombie: boolean;
}

interface Overlap {
  readonly partition: string;
  readonly earlier: Holding;
  readonly later: Holding;
  readonly at: number;
}

/** Every overlap, with how the earlier owner's holding ended (null: it never did). */
function overlaps(history: readonly ConsumerEvent[]): { overlap: Overlap; endedBy: ConsumerEvent['type'] | null; removedFirst: boolean }[] {
  const holders = new Map<string, Holding[]>();
  const open: { overlap: Overlap; endedBy: ConsumerEvent['type'] | null; removedFirst: boolean }[] = [];
  /** The last time the coordinator removed a member id of each consumer. */
  const removedAt = new Map<number, number>();
  const release = (consumer: number, partition: string, how: ConsumerEvent['type']): void => {
    holders.set(partition, (holders.get(partition) ?? []).filter((h) => h.consumer !== consumer));
    for (const o of open) if (o.endedBy === null && o.overlap.partition === partition && o.overlap.earlier.consumer === consumer) o.endedBy = how;
  };
  for (const e of history) {
    if (e.type === 'assigned') {
      for (const partition of e.partitions) {
        const current = holders.get(partition) ?? [];
        if (current.some((h) => h.consumer === e.consumer)) continue;
        const holding: Holding = { consumer: e.consumer, since: e.time, zombie: e.memberAtCoordinator === false };
        for (const earlier of current) {
          const removed = removedAt.get(earlier.consumer);
          open.push({ overlap: { partition, earlier, later: holding, at: e.time }, endedBy: null, removedFirst: removed !== undefined && removed >= earlier.since });
        }
        holders.set(partition, [...current, holding]);
      }
    } else if (e.type === 'revoked' || e.type === 'lost') {
      for (const partition of e.partitions) release(e.consumer, partition, e.type);
    } else if (e.type === 'removed') {
      removedAt.set(e.consumer, e.time);
    } else if (e.type === 'crashed') {
      for (const [partition, list] of holders) if (list.some((h) => h.consumer === e.consumer)) release(e.consumer, partition, 'crashed');
    }
  }
  return open;
}

/** CG-COOP-1 over one group's consumer history; `protocol` is the group's (group.protocol). */
export function checkSingleOwner(history: readonly ConsumerEvent[], protocol: 'classic' | 'consumer'): { readonly result: HistoryResult; readonly findings: readonly OwnershipFinding[] } {
  const findings: OwnershipFinding[] = overlaps(history).map(({ overlap, endedBy, removedFirst }) => {
    const what = `${overlap.partition}: consumer ${overlap.later.consumer} was assigned it at t=${overlap.at} while consumer ${overlap.earlier.consumer} (since t=${overlap.earlier.since}) still owned it`;
    if (endedBy === 'lost') return { partition: overlap.partition, allowed: true, detail: `${what}, until it found it had been removed from the group (onPartitionsLost): the zombie window` };
    if (overlap.later.zombie) {
      return { partition: overlap.partition, allowed: true, detail: `${what}: consumer ${overlap.later.consumer} applied an assignment after the coordinator had removed it from the group (a zombie reconciling an old target), the zombie window` };
    }
    if (removedFirst) {
      const ending = endedBy === null ? 'never learned it' : endedBy === 'crashed' ? 'crashed before it learned it' : `${endedBy === 'revoked' ? 'revoked it' : endedBy} before it learned it`;
      return { partition: overlap.partition, allowed: true, detail: `${what}, but the coordinator had already removed consumer ${overlap.earlier.consumer} from the group, and it ${ending}: the zombie window` };
    }
    if (protocol === 'consumer' && endedBy === 'revoked') return { partition: overlap.partition, allowed: true, detail: `${what}, until it revoked it: a KIP-848 member's heartbeat omitted partitions it was still taking (the coordinator read them as revoked)` };
    return { partition: overlap.partition, allowed: false, detail: `${what}${endedBy === null ? ', and neither gave it up' : `, until it ${endedBy === 'revoked' ? 'revoked it' : endedBy}`}` };
  });
  const anomalies = findings.filter((f) => !f.allowed).map((f) => f.detail);
  return { result: { clauseId: SingleOwnerAtOnce.id, verdict: anomalies.length === 0 ? 'valid' : 'invalid', anomalies }, findings };
}
