/**
 * How a coordinator shard hosts its classic groups: one classic group machine per group, stored as
 * plain JSON (the ClassicGroup, whose `state` is the machine's state) and stepped with XState's
 * pure `transition()`. The machine's actions come back as the shard's outcome: emitted answers and
 * records, delayed raises as timers keyed per group, cancels. A group that reaches Dead is dropped,
 * as GroupMetadataManager.removeGroup does.
 */
import { transition } from '../transition.js';
import { createClassicGroupMachine, shardTimerEventOf, type ClassicGroupEvent, type ClassicGroupMachineContext, type ClassicGroupTimerEvent } from './classic-group-machine.js';
import type { ClassicGroupsState } from './classic-groups.js';
import { groupMachineOutputs, type MachineAction } from './group-machine-host.js';
import type { ShardOutcome } from './shard.js';

const machine = createClassicGroupMachine();

/** Step one group's machine with one event; the shard's other groups are untouched. */
export function stepClassicGroup(s: ClassicGroupsState, groupId: string, event: ClassicGroupEvent): ShardOutcome<ClassicGroupsState> {
  const group = s.groups[groupId] ?? null;
  const context: ClassicGroupMachineContext = { groupId, group, memberIdCounter: s.memberIdCounter, memberIdSeed: s.memberIdSeed, hops: [] };
  const snapshot = machine.resolveState({ value: group?.state ?? 'Empty', context });
  const [next, actions] = transition(machine, snapshot, event);
  const after = next.context;
  if (after.hops.length > 0) throw new Error(`classic group ${groupId}: no transition ${String(next.value)} -> ${after.hops.join(' -> ')} (ClassicGroupState)`);
  if (after.group !== null && next.value !== 'Dead' && after.group.state !== next.value) throw new Error(`classic group ${groupId} is ${after.group.state} but its machine is in ${String(next.value)}`);
  const groups = { ...s.groups };
  if (after.group === null || next.value === 'Dead') delete groups[groupId];
  else groups[groupId] = after.group;
  return { ...groupMachineOutputs(groupId, actions as readonly MachineAction[], (e: ClassicGroupTimerEvent) => shardTimerEventOf(groupId, e)), state: { ...s, groups, memberIdCounter: after.memberIdCounter } };
}
