/**
 * UniformAssignor (group-coordinator/.../assignor/UniformAssignor.java), the KIP-848 coordinator's
 * default "uniform" assignor: balance first, then stickiness to each member's current target.
 * A homogeneous group (every member subscribes to the same topics) goes to
 * UniformHomogeneousAssignmentBuilder, any other to UniformHeterogeneousAssignmentBuilder.
 */
import { isHomogeneous } from './server-topics.js';
import type { ServerAssignor } from './types.js';
import { uniformHeterogeneousAssignment } from './uniform-heterogeneous.js';
import { uniformHomogeneousAssignment } from './uniform-homogeneous.js';

export const uniformAssignor: ServerAssignor = {
  name: 'uniform',
  assign(members, partitionsPerTopicId) {
    if (members.length === 0) return {};
    return isHomogeneous(members) ? uniformHomogeneousAssignment(members, partitionsPerTopicId) : uniformHeterogeneousAssignment(members, partitionsPerTopicId);
  },
};
