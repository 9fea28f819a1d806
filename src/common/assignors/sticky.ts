/**
 * StickyAssignor (clients/.../consumer/StickyAssignor.java), the classic leader's eager "sticky"
 * assignor: AbstractStickyAssignor's assignment as is. Under the eager protocol every member gives
 * up all its partitions before rejoining, so a partition may move straight to a new owner.
 *
 * Kafka's StickyAssignor carries the previous assignment and generation in the subscription's user
 * data; our subscription has no user data, so the member's ownedPartitions and generationId stand
 * for it (the classic consumer model fills them with its last assignment for this assignor).
 */
import { stickyAssign } from './abstract-sticky.js';
import { toClientAssignment } from './partitions.js';
import type { ClientAssignor } from './types.js';

export const stickyAssignor: ClientAssignor = {
  name: 'sticky',
  supportedProtocols: ['EAGER'],
  assign(partitionsPerTopic, members) {
    return toClientAssignment(members, stickyAssign(partitionsPerTopic, members).assignment);
  },
};
