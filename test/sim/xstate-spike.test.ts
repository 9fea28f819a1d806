/**
 * The simulator drives machines only through transition() and interprets the returned actions
 * itself. This spike proves that `after`, `always` and cancellation behave under transition() as
 * they do under createActor (with XState's own simulated clock), so the simulator's timers mean
 * what the machine says.
 */
import { describe, expect, it } from 'vitest';
import { assign, createActor, emit, initialTransition, setup, SimulatedClock, transition } from 'xstate';

const machine = setup({
  types: {
    context: {} as { fired: number; timeoutMs: number },
    events: {} as { type: 'start' } | { type: 'stop' } | { type: 'poke' },
    input: {} as { timeoutMs: number },
    emitted: {} as { type: 'send'; to: number },
  },
  delays: { timeout: ({ context }) => context.timeoutMs },
}).createMachine({
  id: 'spike',
  context: ({ input }) => ({ fired: 0, timeoutMs: input.timeoutMs }),
  initial: 'Idle',
  states: {
    Idle: { on: { start: 'Waiting' } },
    Waiting: {
      entry: emit({ type: 'send', to: 2 }),
      after: { timeout: { target: 'Check', actions: assign({ fired: ({ context }) => context.fired + 1 }) } },
      on: { stop: 'Idle', poke: { target: 'Waiting', reenter: true } },
    },
    Check: { always: [{ guard: ({ context }) => context.fired >= 2, target: 'Done' }, { target: 'Waiting' }] },
    Done: { type: 'final' },
  },
});

type Action = { type: string; params?: Record<string, unknown> };

/** A minimal shell: a clock and a timer table, like the simulator's. */
function pureRun(script: { at: number; event?: { type: 'start' | 'stop' | 'poke' } }[], untilMs: number) {
  let [snapshot, actions] = initialTransition(machine, { timeoutMs: 100 });
  const timers = new Map<string, { due: number; event: { type: string } }>();
  const log: string[] = [];
  const interpret = (now: number, list: readonly Action[]) => {
    for (const a of list) {
      if (a.type === 'xstate.raise') timers.set(String(a.params?.['id']), { due: now + Number(a.params?.['delay']), event: a.params?.['event'] as { type: string } });
      else if (a.type === 'xstate.cancel') timers.delete(String(a.params?.['sendId']));
      else if (a.type === 'xstate.emit') log.push(`${now} emit`);
    }
  };
  interpret(0, actions as Action[]);
  const events = [...script];
  let last = '';
  for (let now = 0; now <= untilMs; now++) {
    for (const e of events.filter((s) => s.at === now)) {
      [snapshot, actions] = transition(machine, snapshot, e.event as never);
      interpret(now, actions as Action[]);
    }
    for (const [id, timer] of [...timers]) {
      if (timer.due !== now) continue;
      timers.delete(id);
      [snapshot, actions] = transition(machine, snapshot, timer.event as never);
      interpret(now, actions as Action[]);
    }
    const value = String(snapshot.value);
    if (value !== last) log.push(`${now} ${value}`);
    last = value;
  }
  return { value: snapshot.value, fired: snapshot.context.fired, log };
}

function actorRun(script: { at: number; event?: { type: 'start' | 'stop' | 'poke' } }[], untilMs: number) {
  const clock = new SimulatedClock();
  const actor = createActor(machine, { input: { timeoutMs: 100 }, clock });
  const log: string[] = [];
  let now = 0;
  actor.on('send', () => log.push(`${now} emit`));
  actor.start();
  let last = '';
  for (now = 0; now <= untilMs; now++) {
    if (now > 0) clock.increment(1);
    for (const e of script.filter((s) => s.at === now)) actor.send(e.event as never);
    const value = String(actor.getSnapshot().value);
    if (value !== last) log.push(`${now} ${value}`);
    last = value;
  }
  return { value: actor.getSnapshot().value, fired: actor.getSnapshot().context.fired, log };
}

describe('XState under transition() behaves as under createActor', () => {
  it('after fires once the delay passes, and always chains immediately', () => {
    const script = [{ at: 5, event: { type: 'start' as const } }];
    const pure = pureRun(script, 400);
    expect(pure.value).toBe('Done');
    expect(pure.fired).toBe(2);
    expect(pure).toEqual(actorRun(script, 400));
  });

  it('leaving a state cancels its after timer', () => {
    const script = [{ at: 0, event: { type: 'start' as const } }, { at: 50, event: { type: 'stop' as const } }];
    const pure = pureRun(script, 400);
    expect(pure.value).toBe('Idle');
    expect(pure.fired).toBe(0);
    expect(pure).toEqual(actorRun(script, 400));
  });

  it('re-entering a state restarts its after timer', () => {
    const script = [{ at: 0, event: { type: 'start' as const } }, { at: 90, event: { type: 'poke' as const } }, { at: 180, event: { type: 'poke' as const } }];
    const pure = pureRun(script, 250);
    expect(pure.value).toBe('Waiting');
    expect(pure.fired).toBe(0);
    expect(pure).toEqual(actorRun(script, 250));
  });
});
