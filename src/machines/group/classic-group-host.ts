/**
 * How a coordinator shard hosts its classic groups: one classic group machine per group, stored as
 * plain JSON (the ClassicGroup, whose `state` is the machine's state) and stepped with XState's
 * pure `transition()`. The machine's actions come back as the shard's outcome: emitted answers and
 * records, delayed raises as timers keyed per group, cancels. A group that reaches Dead is dropped,
 * as GroupMetadataManager.removeGroup does.
 */
import { transition } from 'xstate';
import { createClassicGroupMachine, shardTimerEventOf, type ClassicGroupEffect, type ClassicGroupEvent, type ClassicGroupMachineContext, type ClassicGroupTimerEvent } from './classic-group-machine.js';
import type { ClassicGroupsState } from './classic-groups.js';
import type { GroupRecord } from '../../protocol/groups/records.js';
import type { ShardOutcome, ShardResponse, ShardTimer } from './shard.js';

const machine = createClassicGroupMachine();

interface MachineAction {
  readonly type: string;
  readonly params?: unknown;
}

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
  return { ...outcomeOf(groupId, actions as readonly MachineAction[]), state: { ...s, groups, memberIdCounter: after.memberIdCounter } };
}

function outcomeOf(groupId: string, actions: readonly MachineAction[]): Omit<ShardOutcome<ClassicGroupsState>, 'state'> {
  const responses: ShardResponse[] = [];
  const records: GroupRecord[] = [];
  const timers: ShardTimer[] = [];
  const cancels: string[] = [];
  for (const action of actions) {
    switch (action.type) {
      case 'xstate.emit': {
        const effect = (action.params as { event: ClassicGroupEffect }).event;
        if (effect.type === 'respond') responses.push(effect.response);
        else records.push(effect.record);
        break;
      }
      case 'xstate.raise': {
        const params = action.params as { event: ClassicGroupTimerEvent; id: string; delay?: number };
        if (params.delay === undefined) throw new Error(`classic group ${groupId}: an undelayed raise escaped its machine`);
        timers.push({ key: params.id, delayMs: params.delay, event: shardTimerEventOf(groupId, params.event) });
        break;
      }
      case 'xstate.cancel':
        cancels.push((action.params as { sendId: string }).sendId);
        break;
      default:
        throw new Error(`classic group ${groupId}: unknown action ${action.type}`);
    }
  }
  return { responses, records, timers, cancels };
}
