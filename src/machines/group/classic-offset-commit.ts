/**
 * Whether a classic group accepts an OffsetCommit (protocol-rules B.8;
 * OffsetMetadataManager.validateOffsetCommit, ClassicGroup.validateOffsetCommit), and what an
 * accepted commit does to the group: it keeps the committing member alive
 * (OffsetMetadataManager.commitOffset). Modelled as OffsetCommit v9+, non-transactional.
 */
import type { ErrorName } from '../../protocol/errors.js';
import type { OffsetCommitRequest } from '../../protocol/groups/messages.js';
import { heartbeatKey } from './classic-effects.js';
import { memberOf, newClassicGroup, validateMember, type ClassicGroup } from './classic-group.js';
import { withGroup, type ClassicGroupsState } from './classic-groups.js';
import type { ShardEnv, ShardTimer } from './shard.js';

/**
 * 1. Unknown group: generation -1 comes from an admin client or a consumer that assigns itself
 *    partitions, and creates a "simple" group; otherwise GROUP_ID_NOT_FOUND (v9+).
 * 2. Dead: COORDINATOR_NOT_AVAILABLE. Generation -1 and Empty: accepted.
 * 3. With a generation or an identity: the member must be valid and of this generation. Without
 *    either (v0 style): only an Empty group accepts.
 * 4. CompletingRebalance: the member has its new generation but not its assignment yet, so
 *    REBALANCE_IN_PROGRESS. Stable and PreparingRebalance accept the current (old) generation.
 */
export function classicValidateOffsetCommit(group: ClassicGroup | undefined, request: OffsetCommitRequest, acceptOlderGenerations = false): 'NONE' | 'CREATE_SIMPLE_GROUP' | ErrorName {
  const generationId = request.generationIdOrMemberEpoch;
  if (group === undefined) return generationId < 0 ? 'CREATE_SIMPLE_GROUP' : 'GROUP_ID_NOT_FOUND';
  if (group.state === 'Dead') return 'COORDINATOR_NOT_AVAILABLE';
  if (generationId < 0 && group.state === 'Empty') return 'NONE';
  // Variant stale-generation-commits: a commit from an older generation skips the member and generation checks (a zombie's commit lands).
  if (acceptOlderGenerations && generationId >= 0 && generationId < group.generationId) return group.state === 'CompletingRebalance' ? 'REBALANCE_IN_PROGRESS' : 'NONE';
  if (generationId >= 0 || request.memberId !== '' || request.groupInstanceId !== null) {
    const validation = validateMember(group, request.memberId, request.groupInstanceId);
    if (validation !== 'NONE') return validation;
    if (generationId !== group.generationId) return 'ILLEGAL_GENERATION';
  } else if (group.state !== 'Empty') {
    return 'UNKNOWN_MEMBER_ID';
  }
  if (group.state === 'CompletingRebalance') return 'REBALANCE_IN_PROGRESS';
  return 'NONE';
}

/**
 * commitOffset: in Stable or PreparingRebalance an accepted commit counts as a heartbeat of the
 * committing member (its deadline moves to now + session timeout).
 */
export function classicTouchOnOffsetCommit(s: ClassicGroupsState, request: OffsetCommitRequest, _env: ShardEnv): ShardTimer[] {
  const group = s.groups[request.groupId];
  if (group === undefined || (group.state !== 'Stable' && group.state !== 'PreparingRebalance')) return [];
  const member = memberOf(group, request.memberId);
  if (member === undefined) return [];
  return [{ key: heartbeatKey(group.groupId, member.memberId), delayMs: member.sessionTimeoutMs, event: { kind: 'classic.heartbeat', groupId: group.groupId, memberId: member.memberId } }];
}

/**
 * getOrMaybeCreateClassicGroup(groupId, true) for a commit: an Empty group with no protocol type.
 * Nothing is written for it; its committed offsets bring it back on load. The group's state
 * timestamp is unknown here, so it is left out (null), as for a group loaded without one.
 */
export function createSimpleGroup(s: ClassicGroupsState, groupId: string): ClassicGroupsState {
  if (s.groups[groupId] !== undefined) return s;
  return withGroup(s, { ...newClassicGroup(groupId, 0), currentStateTimestampMs: null });
}
