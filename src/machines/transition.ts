/**
 * XState's pure `transition()`, without its per-call set-up cost. `transition()` in xstate 5.33
 * (xstate.cjs.js `transition` -> `createInertActorScope`) builds a new inert actor for every call,
 * and the Actor constructor computes the machine's initial snapshot (running its context factory)
 * only to throw it away. The replication bench spent 28% of its time there (node --cpu-prof, see
 * docs/architecture.md "Speed"). This builds that inert actor once per machine and reuses it: the
 * machines here spawn no children and use no system ids, so the scope holds nothing between calls
 * but the action collector, which is set afresh for each call (and restored after a nested one). Same result as XState's own: the
 * machines' tests compare the two on random event sequences.
 */
import { createActor, type ActorScope, type AnyStateMachine, type EventFromLogic, type SnapshotFrom } from 'xstate';

type ExecutableAction = Parameters<ActorScope<never, never>['actionExecutor']>[0];

interface InertScope {
  readonly scope: ActorScope<never, never>;
  collected: ExecutableAction[];
}

const scopes = new WeakMap<AnyStateMachine, InertScope>();

function inertScopeOf(machine: AnyStateMachine): InertScope {
  const cached = scopes.get(machine);
  if (cached !== undefined) return cached;
  const self = createActor(machine);
  const inert: InertScope = { collected: [], scope: undefined as never };
  const scope = {
    self,
    id: '',
    sessionId: '',
    system: self.system,
    defer: () => {},
    logger: () => {},
    emit: () => {},
    stopChild: () => {},
    actionExecutor: (action: ExecutableAction) => inert.collected.push(action),
  };
  (inert as { scope: unknown }).scope = scope;
  scopes.set(machine, inert);
  return inert;
}

/** `transition(machine, snapshot, event)` of XState: the next snapshot and the actions to carry out, run nothing. */
export function transition<M extends AnyStateMachine>(machine: M, snapshot: SnapshotFrom<M>, event: EventFromLogic<M>): [SnapshotFrom<M>, ExecutableAction[]] {
  const inert = inertScopeOf(machine);
  // A rule that steps another instance of the same machine inside its own step gets its own list.
  const outer = inert.collected;
  const collected: ExecutableAction[] = [];
  inert.collected = collected;
  try {
    return [machine.transition(snapshot as never, event as never, inert.scope as never) as SnapshotFrom<M>, collected];
  } finally {
    inert.collected = outer;
  }
}
