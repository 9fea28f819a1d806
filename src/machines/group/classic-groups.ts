/**
 * The classic groups of one coordinator shard (the classic part of GroupMetadataManager's
 * `groups`), and the seeded stream member ids are drawn from.
 */
import { memberIdFrom } from './shard.js';
import { hasMember, isPendingMember, type ClassicGroup } from './classic-group.js';

export interface ClassicGroupsState {
  readonly groups: Readonly<Record<string, ClassicGroup>>;
  /** How many member ids were drawn so far. */
  readonly memberIdCounter: number;
  readonly memberIdSeed: number;
}

export function emptyClassicGroups(seed: number): ClassicGroupsState {
  return { groups: {}, memberIdCounter: 0, memberIdSeed: seed };
}

export function withGroup(s: ClassicGroupsState, group: ClassicGroup): ClassicGroupsState {
  return { ...s, groups: { ...s.groups, [group.groupId]: group } };
}

/** How many draws may collide with ids already in the group before giving up (a bound on the loop below). */
const MEMBER_ID_ATTEMPTS_MAX = 16;

/**
 * ClassicGroup.generateMemberId: `groupInstanceId-UUID` for a static member, `clientId-UUID`
 * otherwise, the UUID taken from the seeded stream. A random UUID never repeats; a seeded stream
 * restarted by a new coordinator load could, so an id already in the group is skipped.
 */
export function generateMemberId(s: ClassicGroupsState, group: ClassicGroup, clientId: string, groupInstanceId: string | null): { readonly state: ClassicGroupsState; readonly memberId: string } {
  const prefix = groupInstanceId ?? clientId;
  for (let attempt = 0; attempt < MEMBER_ID_ATTEMPTS_MAX; attempt++) {
    const counter = s.memberIdCounter + attempt;
    const memberId = memberIdFrom(prefix, counter, s.memberIdSeed);
    if (!hasMember(group, memberId) && !isPendingMember(group, memberId)) return { state: { ...s, memberIdCounter: counter + 1 }, memberId };
  }
  throw new Error(`no fresh member id for group ${group.groupId} after ${MEMBER_ID_ATTEMPTS_MAX} draws`);
}
