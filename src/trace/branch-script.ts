/**
 * A branch of a run saved as a scenario script (etcd raft's data-driven style, like every script
 * under scenarios/): the run's header, then the events the stepper took, each command with the
 * steps it made as its expected output. `kspec scenario FILE` runs it and fails when the model no
 * longer makes those steps; `kspec step FILE` opens it where it was saved.
 *
 *   branch header=JSON        start the model from a trace header (the seed and every option)
 *   next [count=N]            take the queue's next event N times (the order the simulator chose)
 *   take N                    take pending event N (1 is the queue's next, as the stepper numbers
 *                             them): the branch forks off the queue's order here
 *   call at=T event=JSON      a scenario's own call or fault at virtual time T (no queue item)
 *   states                    every machine's active state: what the branch reached
 *
 * JSON values carry no spaces (a space inside a string is written \u0020), so a command stays
 * one line of words.
 */
import { isDeepStrictEqual } from 'node:util';
import { isLeft } from 'fp-ts/lib/Either.js';
import { argsFor, ScriptError, type ScriptBlock } from '../scenario/script.js';
import { headerProblem, TraceHeader, type TraceStep } from './format.js';
import { asJson, findPending, startRun, type MachineState, type ModelRun } from './run.js';
import { describeEvent } from './render.js';

/** The words a JSON value becomes on a command line: compact, spaces escaped. */
export const jsonWord = (value: unknown): string => JSON.stringify(value).replace(/ /g, '\\u0020');

/** What a recorded step was, as the run takes it: the queue's next, a chosen pending event, or a call. */
type Taken = { readonly kind: 'next' } | { readonly kind: 'take'; readonly number: number; readonly of: number; readonly description: string } | { readonly kind: 'call'; readonly at: number; readonly event: unknown };

/**
 * The script of a branch: `steps` (the timeline up to the stepper's cursor, boot included for the
 * cluster) are taken again on a fresh run, so a branch that does not reproduce is refused here,
 * not found out later. Throws an Error naming the first step that differs.
 */
export function branchScript(header: TraceHeader, steps: readonly TraceStep[], comment: string): string {
  const run = startRun(header);
  const blocks: string[] = [`${comment.split('\n').map((l) => `# ${l}`).join('\n')}\n${block(`branch header=${jsonWord(header)}`, [headline(header)])}`];
  let nexts: string[] = [];
  const flush = (): void => {
    if (nexts.length > 0) blocks.push(block(nexts.length === 1 ? 'next' : `next count=${nexts.length}`, nexts));
    nexts = [];
  };
  for (const recorded of steps) {
    if (recorded.event === undefined) continue; // the cluster's boot: the run made it as it started
    const taken = takeAgain(run, recorded);
    const made = lastStep(run);
    if (!isDeepStrictEqual(asJson(made), asJson(recorded))) throw new Error(`step ${recorded.step}: the model does not make the recorded step again; the branch cannot be saved`);
    if (taken.kind === 'next') {
      nexts.push(stepLine(made));
      continue;
    }
    flush();
    if (taken.kind === 'take') blocks.push(`# pending ${taken.number} of ${taken.of}: ${taken.description}\n${block(`take ${taken.number}`, [stepLine(made)])}`);
    else blocks.push(block(`call at=${taken.at} event=${jsonWord(taken.event)}`, [stepLine(made)]));
  }
  flush();
  blocks.push(block('states', statesLines(run)));
  return blocks.join('\n\n') + '\n';
}

function takeAgain(run: ModelRun, recorded: TraceStep): Taken {
  const pending = run.pending();
  const head = pending[0];
  const event = asJson(recorded.event);
  if (recorded.chosen !== true && head !== undefined && isDeepStrictEqual(asJson(head.event), event)) {
    run.next();
    return { kind: 'next' };
  }
  if (recorded.chosen === true) {
    const index = findPending(pending, event, recorded.time, run.now());
    if (index < 0) throw new Error(`step ${recorded.step}: the chosen event is not pending`);
    run.take(index);
    return { kind: 'take', number: index + 1, of: pending.length, description: pending[index]?.description ?? '' };
  }
  run.idleUntil(recorded.time);
  if (!(recorded.injected === true || run.scripted) || !run.call(event)) throw new Error(`step ${recorded.step}: ${describeEvent(recorded)} is neither pending nor a call this model takes`);
  return { kind: 'call', at: recorded.time, event };
}

const block = (command: string, output: readonly string[]): string => [command, '----', ...output].join('\n');

const headline = (header: TraceHeader): string => `${header.model} run of seed ${header.seed}${header.scripted ? ' (a scenario\'s)' : ''}, variant ${header.options.variant}`;

const lastStep = (run: ModelRun): TraceStep => run.lastStep() as TraceStep;

/** One line a step: its number, time and event (its effects are in the trace; the states pin the end). */
const stepLine = (step: TraceStep): string => `step ${step.step} t=${step.time}ms ${describeEvent(step)}${step.chosen === true ? ' (chosen)' : ''}${(step.violations ?? []).map((v) => ` VIOLATION ${v}`).join('')}`;

/** `n2 replica user_activity-0: Follower.Fetching` for every machine, in the run's order. */
export function statesLines(run: ModelRun): string[] {
  return run.machines().map((m) => `n${m.node} ${m.actor}: ${activePaths(m).join(' + ')}`);
}

/** The active leaf states, dotted (a parallel state has one per region). */
export function activePaths(m: Pick<MachineState, 'value'>): string[] {
  const walk = (value: unknown, prefix: string[]): string[][] => {
    if (typeof value === 'string') return [[...prefix, value]];
    if (typeof value !== 'object' || value === null) return [prefix];
    const entries = Object.entries(value);
    return entries.length === 0 ? [prefix] : entries.flatMap(([key, inner]) => walk(inner, [...prefix, key]));
  };
  return walk(m.value, []).map((path) => path.join('.'));
}

const commands = ['branch', 'next', 'take', 'call', 'states'] as const;

/** Runs a branch script, command by command; the same shape as the scenario runners. */
export class BranchScenarioRunner {
  private run: ModelRun | null = null;

  /** The run, once `branch` started it (the stepper opens a branch script through it). */
  get modelRun(): ModelRun | null {
    return this.run;
  }

  execute(block: ScriptBlock): string[] {
    const name = block.command as (typeof commands)[number];
    if (!commands.includes(name)) throw new ScriptError(`line ${block.line}: unknown command '${block.command}'; a branch script's commands: ${commands.join(', ')}`);
    const args = argsFor(block, keysCodec(KEYS[name]));
    const positional = args['_'] as string[];
    const fail = (why: string): never => {
      throw new ScriptError(`line ${block.line}: '${block.command}': ${why}`);
    };
    if (name === 'branch') {
      if (this.run !== null) fail('the run has started already');
      const decoded = TraceHeader.decode(parseJson(args['header'], 'header', fail));
      if (isLeft(decoded)) return fail('header= is not a trace header (docs/trace-format.md)');
      const problem = headerProblem(decoded.right);
      if (problem !== null) fail(`header: ${problem}`);
      try {
        this.run = startRun(decoded.right);
      } catch (error) {
        fail((error as Error).message);
      }
      return [headline(decoded.right)];
    }
    const run = this.run ?? fail("the script must start with 'branch header=...'");
    if (positional.length > (name === 'take' ? 1 : 0)) fail(`unexpected word '${positional[positional.length - 1]}'`);
    switch (name) {
      case 'next': {
        const count = count1(String(args['count'] ?? '1'), 'count', fail);
        const out: string[] = [];
        for (let i = 0; i < count; i++) {
          if (!run.next()) fail(`nothing is pending after ${i} step(s)`);
          out.push(stepLine(lastStep(run)));
        }
        return out;
      }
      case 'take': {
        const number = count1(positional[0] ?? fail('take needs the number of a pending event (1 is the next)'), 'pending event', fail);
        const pending = run.pending().length;
        if (number > pending) fail(`no pending event ${number} (${pending} pending)`);
        run.take(number - 1);
        return [stepLine(lastStep(run))];
      }
      case 'call': {
        const at = count1(String(args['at'] ?? fail('call needs at=T')), 'at', fail, 0);
        run.idleUntil(at);
        if (run.now() !== at) fail(`the run is at t=${run.now()}ms, not ${at}ms (an event is due first)`);
        if (!run.scripted || !run.call(parseJson(args['event'], 'event', fail))) fail('the event is not a call or fault this run takes');
        return [stepLine(lastStep(run))];
      }
      default:
        return statesLines(run);
    }
  }
}

const KEYS: Record<(typeof commands)[number], readonly string[]> = { branch: ['header'], next: ['count'], take: [], call: ['at', 'event'], states: [] };
/** argsFor reads the declared keys from a codec's props: a stand-in with just those. */
const keysCodec = (keys: readonly string[]) => ({ props: Object.fromEntries(keys.map((k) => [k, true])) }) as never;

function parseJson(text: unknown, what: string, fail: (why: string) => never): unknown {
  if (typeof text !== 'string') return fail(`${what}= is missing`);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return fail(`${what}= is not JSON`);
  }
}

function count1(text: string, what: string, fail: (why: string) => never, min = 1): number {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > 10_000_000) fail(`${what} must be a whole number from ${min} (got '${text}')`);
  return Number(text);
}
