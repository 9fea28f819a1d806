/**
 * What the group machines (classic and KIP-848) hand back to the coordinator shard that hosts
 * them: XState's actions from `transition()`, read once here. An emitted effect is an answer or a
 * record for __consumer_offsets; a delayed raise is a group timer (its id is the timer's key,
 * namespaced per group); a cancel withdraws one.
 */
import type { GroupRecord } from '../../protocol/groups/records.js';
import type { ShardOutcome, ShardResponse, ShardTimer, ShardTimerEvent } from './shard.js';

/** What a group machine emits: an answer to a client, or a record for __consumer_offsets. */
export type GroupMachineEffect =
  | { readonly type: 'respond'; readonly response: ShardResponse }
  | { readonly type: 'record'; readonly record: GroupRecord };

export interface MachineAction {
  readonly type: string;
  readonly params?: unknown;
}

/** The actions of one step, as a shard outcome's answers, records, timers and cancels (in the machine's order). */
export function groupMachineOutputs<T>(groupId: string, actions: readonly MachineAction[], timerOf: (event: T) => ShardTimerEvent): Omit<ShardOutcome<unknown>, 'state'> {
  const responses: ShardResponse[] = [];
  const records: GroupRecord[] = [];
  const timers: ShardTimer[] = [];
  const cancels: string[] = [];
  for (const action of actions) {
    switch (action.type) {
      case 'xstate.emit': {
        const effect = (action.params as { event: GroupMachineEffect }).event;
        if (effect.type === 'respond') responses.push(effect.response);
        else records.push(effect.record);
        break;
      }
      case 'xstate.raise': {
        const params = action.params as { event: T; id: string; delay?: number };
        if (params.delay === undefined) throw new Error(`group ${groupId}: an undelayed raise escaped its machine`);
        timers.push({ key: params.id, delayMs: params.delay, event: timerOf(params.event) });
        break;
      }
      case 'xstate.cancel':
        cancels.push((action.params as { sendId: string }).sendId);
        break;
      default:
        throw new Error(`group ${groupId}: unknown action ${action.type}`);
    }
  }
  return { responses, records, timers, cancels };
}
