/**
 * A KIP-848 member's reconciliation as a state machine (CurrentAssignmentBuilder over
 * org.apache.kafka.coordinator.group.modern.MemberState): STABLE, UNREVOKED_PARTITIONS,
 * UNRELEASED_PARTITIONS and UNKNOWN, as Kafka names them. The group's rules step it with XState's
 * pure `transition()` whenever a heartbeat may move the member towards its target
 * (GroupMetadataManager.maybeReconcile); the context is the member, plain JSON.
 *
 * Each Reconcile runs CurrentAssignmentBuilder.build (current-assignment.ts), which decides the
 * member's next state; the eventless transitions below take the member there, each naming the
 * rule that moves it. A refusal (FENCED_MEMBER_EPOCH from UNKNOWN) is kept in the context and
 * thrown again by the host, as Kafka's builder throws it.
 */
import { assign, setup } from 'xstate';
import { transition } from '../transition.js';
import type { ErrorName } from '../../protocol/errors.js';
import { buildCurrentAssignment, type ReconciliationInput } from './current-assignment.js';
import { ConsumerGroupApiError } from './consumer-group-error.js';
import type { ConsumerGroupMember, MemberState } from './consumer-group-member.js';

export interface MemberMachineContext {
  readonly member: ConsumerGroupMember;
  readonly refusal: { readonly error: ErrorName; readonly message: string } | null;
}

export type MemberMachineEvent = { readonly type: 'Reconcile'; readonly input: ReconciliationInput };

export const memberStates: readonly MemberState[] = ['STABLE', 'UNREVOKED_PARTITIONS', 'UNRELEASED_PARTITIONS', 'UNKNOWN'];

const build = assign(({ context, event }: { context: MemberMachineContext; event: MemberMachineEvent }): Partial<MemberMachineContext> => {
  try {
    return { member: buildCurrentAssignment(context.member, event.input), refusal: null };
  } catch (caught) {
    if (caught instanceof ConsumerGroupApiError) return { refusal: { error: caught.error, message: caught.message } };
    throw caught;
  }
});

/** The guards of the eventless moves, named for what the builder found: each holds when it put the member in its state. */
const moveGuards = {
  mustRevoke: 'UNREVOKED_PARTITIONS',
  waitsForUnreleased: 'UNRELEASED_PARTITIONS',
  ownsTarget: 'STABLE',
} as const satisfies Record<string, MemberState>;

const guardFor = (state: MemberState): keyof typeof moveGuards => (Object.keys(moveGuards) as (keyof typeof moveGuards)[]).find((g) => moveGuards[g] === state)!;

function to(target: MemberState, description: string) {
  return { guard: guardFor(target), target, description } as const;
}

const toUnrevoked = (why: string) => to('UNREVOKED_PARTITIONS', `computeNextAssignment: ${why} takes away partitions the member still reports owning: it keeps its epoch and must revoke them first (the rebalance timer runs).`);
const toUnreleased = (why: string) => to('UNRELEASED_PARTITIONS', `computeNextAssignment: ${why}; some of its new partitions are still held by their previous owners: it moves to the target epoch with the free ones and waits for the rest.`);
const toStable = (why: string) => to('STABLE', `computeNextAssignment: ${why}; nothing left to revoke and every new partition is free: the member owns its whole target at the target epoch.`);

export function createMemberMachine() {
  return setup({
    types: { context: {} as MemberMachineContext, events: {} as MemberMachineEvent, input: {} as MemberMachineContext },
    actions: { build: build as never },
    guards: Object.fromEntries(Object.entries(moveGuards).map(([name, state]) => [name, ({ context }: { context: MemberMachineContext }) => context.refusal === null && context.member.state === state])) as Record<keyof typeof moveGuards, never>,
  }).createMachine({
    id: 'consumerGroupMember',
    context: ({ input }) => input,
    initial: 'STABLE',
    states: {
      STABLE: {
        description: 'The member owns exactly its assignment at its epoch; nothing is being revoked.',
        on: { Reconcile: { actions: 'build', description: 'CurrentAssignmentBuilder.build in STABLE: a target of a newer epoch is moved towards (computeNextAssignment); at the target epoch nothing changes.' } },
        always: [toUnrevoked('the new target'), toUnreleased('the new target')],
      },
      UNREVOKED_PARTITIONS: {
        description: 'The member must give up partitions (partitionsPendingRevocation) before it may have its next epoch; the rebalance timeout fences it if it does not.',
        on: { Reconcile: { actions: 'build', description: 'CurrentAssignmentBuilder.build in UNREVOKED_PARTITIONS: while the heartbeat still reports a partition pending revocation nothing moves; once it does not, the member goes to epoch + 1 (computeNextAssignment).' } },
        always: [toStable('the revocation was acknowledged'), toUnreleased('the revocation was acknowledged')],
      },
      UNRELEASED_PARTITIONS: {
        description: 'The member is at the target epoch and waits for partitions of its target that their previous owners have not released yet.',
        on: { Reconcile: { actions: 'build', description: 'CurrentAssignmentBuilder.build in UNRELEASED_PARTITIONS: partitions released since are added (computeNextAssignment at the member\'s epoch, or towards a newer target).' } },
        always: [toStable('the partitions it waited for were released'), toUnrevoked('a newer target')],
      },
      UNKNOWN: {
        description: 'A state this coordinator does not know (a record from another version): the member must rejoin owning nothing.',
        on: { Reconcile: { actions: 'build', description: 'CurrentAssignmentBuilder.build in UNKNOWN: a member still owning partitions is refused with FENCED_MEMBER_EPOCH; one owning nothing is moved to the target epoch.' } },
        always: [toStable('the member rejoined owning nothing'), toUnreleased('the member rejoined owning nothing'), toUnrevoked('the member rejoined owning nothing')],
      },
    },
  });
}

const machine = createMemberMachine();

/**
 * GroupMetadataManager.maybeReconcile's step of the member: the builder through the member's
 * machine. Throws the builder's refusal as Kafka's builder does.
 */
export function reconcileMember(member: ConsumerGroupMember, input: ReconciliationInput): ConsumerGroupMember {
  const snapshot = machine.resolveState({ value: member.state, context: { member, refusal: null } });
  const [next] = transition(machine, snapshot, { type: 'Reconcile', input });
  const { refusal, member: after } = next.context;
  if (refusal !== null) throw new ConsumerGroupApiError(refusal.error, refusal.message);
  if (next.value !== after.state) throw new Error(`member ${member.memberId}: no transition ${member.state} -> ${after.state} (CurrentAssignmentBuilder)`);
  return after;
}
