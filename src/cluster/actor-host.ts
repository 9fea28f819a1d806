/**
 * The actor host: the one place that starts a machine and steps it with XState's pure
 * `initialTransition()` / `transition()`, and turns the actions it returns into what a shell
 * carries out. Machines only return actions (DESIGN.md, "The pure core"): an emitted event is an
 * effect for the node (a message to send, a log write), a delayed raise is a timer request with an
 * id, a cancel withdraws one. The simulator, the live runtime and the tests all step machines
 * through here, so XState's action encoding is read in one place.
 *
 * Outputs are handed to the sink in the order the machine returned them: a shell that numbers its
 * queue (the simulator's (time, sequence) order) sees effects and timers interleaved as they were.
 */
import { initialTransition, type AnyStateMachine } from 'xstate';
import { transition } from '../machines/transition.js';

/** An event a machine accepts: a type and fields (messages carry `from`; the host adds `nowMs`). */
export interface HostEvent {
  readonly type: string;
  readonly [field: string]: unknown;
}

/** A delayed raise: deliver `event` back to the same actor after `delayMs`, replacing a timer with the same id. */
export interface TimerRequest {
  readonly id: string;
  readonly delayMs: number;
  readonly event: HostEvent;
}

/** Where an actor's outputs go, in order. */
export interface ActorSink {
  /** An emitted event: the machine asks its node (or its test) to do something. */
  effect(actor: string, effect: HostEvent): void;
  schedule(actor: string, timer: TimerRequest): void;
  cancel(actor: string, timerId: string): void;
}

interface MachineAction {
  readonly type: string;
  readonly params?: unknown;
}

/** A machine instance: its name on the node, its machine and its current snapshot. */
export class Actor<TMachine extends AnyStateMachine = AnyStateMachine> {
  private constructor(
    readonly name: string,
    readonly machine: TMachine,
    private current: unknown,
  ) {}

  /**
   * Start from input (which carries any durable state the machine is restarted from). `started`
   * hears of the actor before its first outputs go to the sink, so a host can register it first.
   */
  static start<M extends AnyStateMachine>(name: string, machine: M, input: unknown, sink: ActorSink, started?: (actor: Actor<M>) => void): Actor<M> {
    const [snapshot, actions] = initialTransition(machine, input as never);
    const actor = new Actor(name, machine, snapshot);
    started?.(actor);
    interpret(name, actions as readonly MachineAction[], sink);
    return actor;
  }

  get snapshot(): ReturnType<typeof initialTransition<TMachine>>[0] {
    return this.current as ReturnType<typeof initialTransition<TMachine>>[0];
  }

  /** The machine's context, as its own type. */
  get context(): ReturnType<typeof initialTransition<TMachine>>[0]['context'] {
    return (this.current as { context: ReturnType<typeof initialTransition<TMachine>>[0]['context'] }).context;
  }

  /** The top-level state's name (Kafka's state names: Leader, Follower, Active, Running, ...). */
  get state(): string {
    return stateName(this.current);
  }

  /** One event, one transition; the outputs go to the sink before this returns. */
  step(event: HostEvent, sink: ActorSink): void {
    const [snapshot, actions] = transition(this.machine, this.current as never, event as never);
    this.current = snapshot;
    interpret(this.name, actions as readonly MachineAction[], sink);
  }
}

/** The top-level state of a machine snapshot. */
export function stateName(snapshot: unknown): string {
  const value = (snapshot as { value: string | Record<string, unknown> }).value;
  return typeof value === 'string' ? value : (Object.keys(value)[0] ?? '?');
}

function interpret(actor: string, actions: readonly MachineAction[], sink: ActorSink): void {
  for (const action of actions) {
    switch (action.type) {
      case 'xstate.emit':
        sink.effect(actor, (action.params as { event: HostEvent }).event);
        break;
      case 'xstate.raise': {
        const params = action.params as { event: HostEvent; id?: string; delay?: number };
        // An undelayed raise is processed inside transition(); one reaching the host is a machine bug.
        if (params.delay === undefined) throw new Error(`undelayed raise escaped actor ${actor}`);
        sink.schedule(actor, { id: params.id ?? String(params.event.type), delayMs: params.delay, event: params.event });
        break;
      }
      case 'xstate.cancel':
        sink.cancel(actor, (action.params as { sendId: string }).sendId);
        break;
      default:
        throw new Error(`the actor host does not know action '${action.type}' (actor ${actor})`);
    }
  }
}

/** A sink that records every output in order (tests, and shells that inspect one step's outputs). */
export class RecordingSink implements ActorSink {
  readonly effects: HostEvent[] = [];
  readonly scheduled: TimerRequest[] = [];
  readonly cancelled: string[] = [];

  effect(_actor: string, effect: HostEvent): void {
    this.effects.push(effect);
  }

  schedule(_actor: string, timer: TimerRequest): void {
    this.scheduled.push(timer);
  }

  cancel(_actor: string, timerId: string): void {
    this.cancelled.push(timerId);
  }

  clear(): void {
    this.effects.length = 0;
    this.scheduled.length = 0;
    this.cancelled.length = 0;
  }
}
