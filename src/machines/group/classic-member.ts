/**
 * A member of a classic group as the coordinator keeps it (ClassicGroupMember). Kafka parks a
 * member's JoinGroup and SyncGroup as response futures; here a parked request is the address and
 * correlation id its answer must carry, so a later rule can answer it.
 */
import type { ConsumerProtocolAssignment, ConsumerProtocolSubscription, JoinGroupProtocol } from '../../protocol/groups/messages.js';

/** A request the coordinator answers later (Kafka: awaitingJoinFuture / awaitingSyncFuture). */
export interface ParkedRequest {
  readonly from: number;
  readonly correlationId: number;
}

export interface ClassicGroupMember {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly clientId: string;
  readonly rebalanceTimeoutMs: number;
  readonly sessionTimeoutMs: number;
  readonly protocolType: string;
  /** In the member's order of preference. */
  readonly supportedProtocols: readonly JoinGroupProtocol[];
  readonly assignment: ConsumerProtocolAssignment;
  readonly awaitingJoin: ParkedRequest | null;
  readonly awaitingSync: ParkedRequest | null;
  /** Added by a join and not yet through a completed join phase. */
  readonly isNew: boolean;
}

export const emptyAssignment: ConsumerProtocolAssignment = { assignedPartitions: [] };

export const isStaticMember = (member: ClassicGroupMember): boolean => member.groupInstanceId !== null;
export const isAwaitingJoin = (member: ClassicGroupMember): boolean => member.awaitingJoin !== null;
export const isAwaitingSync = (member: ClassicGroupMember): boolean => member.awaitingSync !== null;

/**
 * ClassicGroupMember.hasSatisfiedHeartbeat: a member parked in a join or sync is alive by
 * definition (it cannot heartbeat while parked), unless it is new — a new member's join may be a
 * leftover of a client that gave up, so its deadline still applies.
 */
export function hasSatisfiedHeartbeat(member: ClassicGroupMember): boolean {
  if (member.isNew) return false;
  return isAwaitingJoin(member) || isAwaitingSync(member);
}

/** ClassicGroupMember.plainProtocolSet */
export function plainProtocolSet(protocols: readonly JoinGroupProtocol[]): ReadonlySet<string> {
  return new Set(protocols.map((protocol) => protocol.name));
}

/** ClassicGroupMember.matches: the same protocols, metadata and order (the collection's equals). */
export function matches(member: ClassicGroupMember, protocols: readonly JoinGroupProtocol[]): boolean {
  return deepEqual(member.supportedProtocols, protocols);
}

/** ClassicGroupMember.vote: the member's most preferred protocol among the candidates. */
export function vote(member: ClassicGroupMember, candidates: ReadonlySet<string>): string {
  const choice = member.supportedProtocols.find((protocol) => candidates.has(protocol.name));
  if (choice === undefined) throw new Error(`member ${member.memberId} supports none of the candidate protocols`);
  return choice.name;
}

/** ClassicGroupMember.metadata: what the member sent for the given protocol. */
export function metadata(member: ClassicGroupMember, protocolName: string | null): ConsumerProtocolSubscription {
  const found = member.supportedProtocols.find((protocol) => protocol.name === protocolName);
  if (found === undefined) throw new Error(`member ${member.memberId} does not support protocol ${String(protocolName)}`);
  return found.metadata;
}

/** Structural equality of plain JSON-like values (protocol metadata is compared as Kafka compares its bytes). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((value, i) => deepEqual(value, b[i]));
  const keysOfA = Object.keys(a);
  const keysOfB = Object.keys(b);
  if (keysOfA.length !== keysOfB.length) return false;
  return keysOfA.every((key) => Object.hasOwn(b, key) && deepEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}
