/**
 * A machine under test on the actor host (src/cluster/actor-host.ts), as the nodes run it: each
 * `send` is one transition, and that step's outputs (effects, timer requests, cancels) are read as
 * the host hands them on. Tests read XState's action encoding nowhere else.
 */
import type { AnyStateMachine } from 'xstate';
import { Actor, RecordingSink, type HostEvent, type TimerRequest } from '../../src/cluster/actor-host.js';

export class HostedMachine<M extends AnyStateMachine, Effect = HostEvent> {
  readonly actor: Actor<M>;
  private readonly sink = new RecordingSink();

  constructor(machine: M, input: unknown) {
    this.actor = Actor.start('under-test', machine, input, this.sink);
  }

  get snapshot(): Actor<M>['snapshot'] {
    return this.actor.snapshot;
  }

  get context(): Actor<M>['context'] {
    return this.actor.context;
  }

  /** The last step's emitted effects, in order. */
  effects(): Effect[] {
    return [...this.sink.effects] as Effect[];
  }

  /** The last step's timer requests (delayed raises), in order. */
  timers(): TimerRequest[] {
    return [...this.sink.scheduled];
  }

  /** The last step's timer cancellations. */
  cancelled(): string[] {
    return [...this.sink.cancelled];
  }

  /** The last step's timer whose id contains `idPart`, if it set one. */
  timer(idPart: string): TimerRequest | undefined {
    return this.sink.scheduled.find((t) => t.id.includes(idPart));
  }

  send(event: HostEvent): void {
    this.sink.clear();
    this.actor.step(event, this.sink);
  }
}
