/**
 * Heartbeat for a classic group (protocol-rules B.6; GroupMetadataManager.classicGroupHeartbeat,
 * classicGroupHeartbeatToClassicGroup, validateClassicGroupHeartbeat): a known member of the
 * current generation moves its deadline; during the join phase it is told to re-join.
 */
import { errorCode, type ErrorName } from '../../protocol/errors.js';
import type { HeartbeatRequest } from '../../protocol/groups/messages.js';
import { ClassicEffects } from './classic-effects.js';
import { memberOf, validateMember, type ClassicGroup } from './classic-group.js';
import type { ClassicGroupsState } from './classic-groups.js';
import type { From, ShardEnv, ShardOutcome } from './shard.js';

type Heartbeat = From<HeartbeatRequest>;

/** validateClassicGroupHeartbeat: Dead, then the member, then the generation. */
function validateHeartbeat(group: ClassicGroup, request: Heartbeat): ErrorName {
  if (group.state === 'Dead') return 'COORDINATOR_NOT_AVAILABLE';
  const validation = validateMember(group, request.memberId, request.groupInstanceId);
  if (validation !== 'NONE') return validation;
  return request.generationId === group.generationId ? 'NONE' : 'ILLEGAL_GENERATION';
}

export function classicHeartbeat(s: ClassicGroupsState, request: Heartbeat, _env: ShardEnv): ShardOutcome<ClassicGroupsState> {
  const effects = new ClassicEffects();
  const answer = (error: ErrorName): ShardOutcome<ClassicGroupsState> => {
    effects.respond(request.from, { type: 'HeartbeatResponse', correlationId: request.correlationId, errorCode: errorCode(error) });
    return effects.outcome(s);
  };
  if (request.groupId === '') return answer('INVALID_GROUP_ID');
  const group = s.groups[request.groupId];
  if (group === undefined) return answer('UNKNOWN_MEMBER_ID');
  const validation = validateHeartbeat(group, request);
  if (validation !== 'NONE') return answer(validation);
  switch (group.state) {
    case 'Empty':
      return answer('UNKNOWN_MEMBER_ID');
    case 'PreparingRebalance':
      effects.rescheduleHeartbeat(group.groupId, memberOf(group, request.memberId)!);
      return answer('REBALANCE_IN_PROGRESS');
    case 'CompletingRebalance':
    case 'Stable':
      // A member may heartbeat between its JoinGroup answer and its SyncGroup: that counts too.
      effects.rescheduleHeartbeat(group.groupId, memberOf(group, request.memberId)!);
      return answer('NONE');
    case 'Dead':
      throw new Error(`Reached unexpected state Dead for group ${group.groupId}`);
  }
}
