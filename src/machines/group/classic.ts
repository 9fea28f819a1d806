/**
 * The classic consumer-group protocol on the coordinator (protocol-rules B.2–B.8): the classic
 * part of Kafka's GroupMetadataManager with ClassicGroup and ClassicGroupMember, as pure rules over
 * a shard's classic groups. One module per reason:
 *
 * - classic-group-state.ts  the states and their legal transitions (ClassicGroupState)
 * - classic-member.ts       a member (ClassicGroupMember)
 * - classic-group.ts        a group and its bookkeeping (ClassicGroup)
 * - classic-groups.ts       the shard's classic groups and the seeded member ids
 * - classic-effects.ts      answers, records and timers a rule produces
 * - classic-records.ts      the GroupMetadata records written
 * - classic-rebalance.ts    the join and sync phases shared by all rules
 * - classic-join.ts, classic-sync.ts, classic-heartbeat.ts, classic-leave.ts   one request each
 * - classic-timers.ts       deadlines firing: session, pending member, join phase, pending sync
 * - classic-offset-commit.ts  OffsetCommit validation for classic groups, simple groups
 * - classic-load.ts         replay of GroupMetadata records and onLoaded
 * - classic-describe.ts     summaries for clauses and narrators
 * - classic-group-machine.ts  the group as a machine (its states and moves); classic-group-host.ts steps it
 *
 * The group invariants (CG-STATE-1, CG-GEN-1, ...) are the spec's (spec/groups/clauses.ts), judged over a view.
 */
export type { ClassicGroupState } from './classic-group-state.js';
export { classicGroupStates, isValidTransition, validPreviousStates } from './classic-group-state.js';
export type { ClassicGroupMember, ParkedRequest } from './classic-member.js';
export type { ClassicGroup } from './classic-group.js';
export { newClassicGroup, selectProtocol, transitionTo, validateMember } from './classic-group.js';
export type { ClassicGroupsState } from './classic-groups.js';
export { emptyClassicGroups } from './classic-groups.js';
export { heartbeatKey, joinKey, syncKey } from './classic-effects.js';
export { classicJoinGroup } from './classic-join.js';
export { classicSyncGroup } from './classic-sync.js';
export { classicHeartbeat } from './classic-heartbeat.js';
export { classicLeaveGroup } from './classic-leave.js';
export { classicTimer } from './classic-timers.js';
export { classicTouchOnOffsetCommit, classicValidateOffsetCommit, createSimpleGroup } from './classic-offset-commit.js';
export { classicOnLoaded, replayGroupMetadata } from './classic-load.js';
export { assignedPartitionNames, classicGroupSummary, classicGroupView, type ClassicGroupSummary } from './classic-describe.js';
