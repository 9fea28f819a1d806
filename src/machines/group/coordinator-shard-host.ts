/**
 * How the group coordinator hosts its shards: one shard machine (coordinator-shard-machine.ts) per
 * partition of __consumer_offsets its broker leads, stored as plain JSON (the machine's context
 * and its state) and stepped with XState's pure `transition()`, as the shards host their groups
 * (classic-group-host.ts). The machine's actions come back in order as outputs: emitted effects,
 * delayed raises as timers keyed within the shard, cancels. A shard that reaches Closed is
 * dropped, as CoordinatorRuntime.scheduleUnloadOperation removes the context.
 */
import { transition } from '../transition.js';
import { emptyShard } from './coordinator-shard.js';
import {
  createCoordinatorShardMachine, type CoordinatorShardContext, type CoordinatorShardEffect, type CoordinatorShardEvent, type CoordinatorShardTimerEvent,
} from './coordinator-shard-machine.js';
import type { MachineAction } from './group-machine-host.js';

/** The states a hosted shard rests in: Initial is left in the step that creates it, and a Closed shard is dropped. */
export type CoordinatorShardStatus = 'Loading' | 'Active';

/** A shard as the coordinator stores it: its machine's state and context (less the write id stream, which the coordinator keeps). */
export type HostedShard = Omit<CoordinatorShardContext, 'nextWriteId'> & { readonly status: CoordinatorShardStatus };

/** One output of a shard's step, in the machine's order. */
export type ShardOutput =
  | { readonly kind: 'effect'; readonly effect: CoordinatorShardEffect }
  /** A delayed raise: `key` names it within the shard (the same key again replaces it). */
  | { readonly kind: 'timer'; readonly key: string; readonly delayMs: number; readonly event: CoordinatorShardTimerEvent }
  | { readonly kind: 'cancel'; readonly key: string };

export interface ShardStep {
  /** null once the shard closed. */
  readonly shard: HostedShard | null;
  readonly nextWriteId: number;
  readonly outputs: readonly ShardOutput[];
}

const machine = createCoordinatorShardMachine();

function outputsOf(partition: number, actions: readonly MachineAction[]): ShardOutput[] {
  return actions.map((action): ShardOutput => {
    switch (action.type) {
      case 'xstate.emit':
        return { kind: 'effect', effect: (action.params as { event: CoordinatorShardEffect }).event };
      case 'xstate.raise': {
        const params = action.params as { event: CoordinatorShardTimerEvent; id: string; delay?: number };
        if (params.delay === undefined) throw new Error(`coordinator shard ${partition}: an undelayed raise escaped its machine`);
        return { kind: 'timer', key: params.id, delayMs: params.delay, event: params.event };
      }
      case 'xstate.cancel':
        return { kind: 'cancel', key: (action.params as { sendId: string }).sendId };
      default:
        throw new Error(`coordinator shard ${partition}: unknown action ${action.type}`);
    }
  });
}

function stepMachine(context: CoordinatorShardContext, value: 'Initial' | CoordinatorShardStatus, event: CoordinatorShardEvent): ShardStep {
  const [next, actions] = transition(machine, machine.resolveState({ value, context }), event);
  const { nextWriteId, ...after } = next.context;
  const outputs = outputsOf(context.partition, actions as readonly MachineAction[]);
  if (next.value === 'Closed') return { shard: null, nextWriteId, outputs };
  if (next.value !== 'Loading' && next.value !== 'Active') throw new Error(`coordinator shard ${context.partition} rests in ${String(next.value)}`);
  return { shard: { ...after, status: next.value }, nextWriteId, outputs };
}

/**
 * CoordinatorRuntime.maybeCreateContext then scheduleLoadOperation: a new shard for `partition`
 * (its groups' member ids drawn from `seed`), loaded at once.
 */
export function loadCoordinatorShard(
  created: { readonly partition: number; readonly loadId: number; readonly seed: number; readonly nextWriteId: number },
  load: Extract<CoordinatorShardEvent, { type: 'Load' }>,
): ShardStep {
  const context: CoordinatorShardContext = {
    partition: created.partition, leaderEpoch: -1, loadId: created.loadId, state: emptyShard(created.seed),
    lastWrittenOffset: 0, highWatermark: 0, deferredEventQueue: [], nextWriteId: created.nextWriteId,
  };
  return stepMachine(context, 'Initial', load);
}

/** Step one shard's machine with one event; the coordinator's other shards are untouched. */
export function stepCoordinatorShard(shard: HostedShard, nextWriteId: number, event: CoordinatorShardEvent): ShardStep {
  const { status, ...context } = shard;
  return stepMachine({ ...context, nextWriteId }, status, event);
}
