/**
 * The states of a classic group and the legal moves between them, as data (ClassicGroupState):
 * each state lists the states it may be entered from. `transitionTo` in classic-group.ts asserts
 * against this table, as ClassicGroup.assertValidTransition does. The CG-STATE-1 check keeps its
 * own copy in spec/groups/clauses.ts: the spec never reads the machines it judges.
 */

export type ClassicGroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

export const classicGroupStates: readonly ClassicGroupState[] = ['Empty', 'PreparingRebalance', 'CompletingRebalance', 'Stable', 'Dead'];

/** ClassicGroupState's static block: the valid previous states of each state (protocol-rules B.3). */
export const validPreviousStates: Readonly<Record<ClassicGroupState, readonly ClassicGroupState[]>> = {
  /** The join phase completed and nobody was left. */
  Empty: ['PreparingRebalance'],
  /** A member joined, changed, left or expired (from Empty: the initial rebalance). */
  PreparingRebalance: ['Stable', 'CompletingRebalance', 'Empty'],
  /** The join phase completed with at least one member: the next generation. */
  CompletingRebalance: ['PreparingRebalance'],
  /** The leader's assignment was stored. */
  Stable: ['CompletingRebalance'],
  /** Deleted or unloaded; Kafka lists Dead itself too, so marking a dead group dead again is allowed. */
  Dead: ['Stable', 'PreparingRebalance', 'CompletingRebalance', 'Empty', 'Dead'],
};

export function isValidTransition(from: ClassicGroupState, to: ClassicGroupState): boolean {
  return validPreviousStates[to].includes(from);
}
