/**
 * A controller node as the shells see it: the quorum machine, started from its durable state,
 * stepped with XState's pure `transition()`, and read through a view. The simulator and (later)
 * the live runtime both drive controllers through this one program.
 */
import { initialTransition } from 'xstate';
import { transition } from '../machines/transition.js';
import { createQuorumMachine, defaultQuorumConfig, durableOf, quorumView } from '../machines/quorum/index.js';
import type { QuorumDurable } from '../machines/quorum/index.js';
import type { QuorumEffect } from '../machines/quorum/effects.js';
import { findVariant } from '../variants.js';
import type { QuorumRole } from '../../spec/quorum/view.js';

export type ControllerEffect = QuorumEffect;
export type ControllerSnapshot = unknown;
export interface MachineAction {
  readonly type: string;
  readonly params?: unknown;
}
export interface Stepped {
  readonly snapshot: ControllerSnapshot;
  readonly actions: readonly MachineAction[];
}

export interface ControllerView {
  readonly role: QuorumRole;
  readonly epoch: number;
  readonly votedFor: number | null;
  readonly leaderId: number | null;
  readonly highWatermark: number;
}

export interface ControllerProgram {
  start(input: { nodeId: number; voters: readonly number[]; durable: unknown; randomSeed: number }): Stepped;
  step(snapshot: ControllerSnapshot, event: Record<string, unknown>): Stepped;
  durable(snapshot: ControllerSnapshot): unknown;
  /** Epoch and vote from durable state alone (a crashed node's view). */
  durableView(durable: unknown): { epoch: number; votedFor: number | null };
  view(snapshot: ControllerSnapshot): ControllerView;
}

export function controllerProgram(variantName: string): ControllerProgram {
  const variant = findVariant(variantName);
  const machine = createQuorumMachine(variant.quorum);
  type Snapshot = ReturnType<typeof initialTransition<typeof machine>>[0];
  return {
    start({ nodeId, voters, durable, randomSeed }) {
      const [snapshot, actions] = initialTransition(machine, {
        nodeId,
        voters: [...voters],
        config: defaultQuorumConfig,
        randomSeed,
        ...(durable === undefined ? {} : { durable: durable as QuorumDurable }),
      });
      return { snapshot, actions: actions as readonly MachineAction[] };
    },
    step(snapshot, event) {
      const [next, actions] = transition(machine, snapshot as Snapshot, event as never);
      return { snapshot: next, actions: actions as readonly MachineAction[] };
    },
    durable: (snapshot) => durableOf(snapshot as Snapshot),
    durableView: (durable) => ({ epoch: (durable as QuorumDurable).currentEpoch, votedFor: (durable as QuorumDurable).votedFor }),
    view(snapshot) {
      const v = quorumView(snapshot as Snapshot);
      return { role: v.role, epoch: v.epoch, votedFor: v.votedFor, leaderId: v.leaderId, highWatermark: v.highWatermark };
    },
  };
}
