/**
 * `kspec step FILE`: step through a trace or a scenario in the terminal (80x24 is enough; works
 * over ssh). The keys and the screen are the pure core's (src/trace/stepper.ts); this file owns
 * the terminal: raw keys on a TTY (arrows move too), or keys read from piped stdin, each finished
 * command printing its screen (for scripts and tests).
 */
import { basename } from 'node:path';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { Server } from 'node:http';
import { integerIn, UsageError } from '../args.js';
import { StepperApi } from '../../trace/web/api.js';
import { PortInUseError, portOf, serveStepper } from '../../trace/web/server.js';
import { writeOutput, OutputError } from '../files.js';
import { ScriptError } from '../../scenario/script.js';
import { TraceFormatError } from '../../trace/format.js';
import { openForStepping, StepSession } from '../../trace/session.js';
import { initialState, press, render, withRun, type ScreenSize, type StepperRequest, type StepperState } from '../../trace/stepper.js';
import { parseNode } from '../../trace/render.js';
import { quorumClauses } from '../../../spec/quorum/clauses.js';
import { replicationClauses } from '../../../spec/replication/clauses.js';
import { producerClauses } from '../../../spec/producer/clauses.js';
import { groupClauses } from '../../../spec/groups/clauses.js';
import type { Act } from './trace.js';
import { serveUntilInterrupted } from '../serve.js';

export interface StepOptions {
  readonly follow?: number[];
  readonly size?: ScreenSize;
  readonly web?: boolean;
  readonly port?: number;
}

const DEFAULT_WEB_PORT = 8090;

const parseSize = (value: string): ScreenSize => {
  const match = /^(\d+)x(\d+)$/.exec(value);
  if (match === null || Number(match[1]) < 40 || Number(match[2]) < 12 || Number(match[1]) > 1000 || Number(match[2]) > 1000) throw new InvalidArgumentError('must be COLUMNSxROWS, at least 40x12 (e.g. 80x24)');
  return { columns: Number(match[1]), rows: Number(match[2]) };
};
const collectNode = (value: string, previous: number[] = []): number[] => {
  const id = parseNode(value);
  if (id === null) throw new InvalidArgumentError('must be a node id: n3, c91, 101');
  return [...previous, id];
};

export function registerStepCommand(root: Command, act: Act): void {
  root.command('step')
    .description('step through a trace or a scenario in the terminal: each machine\'s state, the event taken and its effects, pending events to choose from (a fork), clause verdicts; ? for the keys')
    .argument('<file>', 'a trace (kspec sim --trace, explore, a saved fork) or a scenario script (scenarios/*/*.txt)')
    .option('--follow <node>', 'show this node\'s machines from the start (n3, c91, 101); repeatable', collectNode)
    .option('--size <cols>x<rows>', 'the screen size when stdout is not a terminal (default 80x24)', parseSize)
    .option('--web', 'serve the stepper as a page on 127.0.0.1 instead: every machine\'s diagram with its active state, a message sequence lane, pending events, a timeline, verdicts, save as a scenario', false)
    .option('--port <n>', `with --web: the port (default ${DEFAULT_WEB_PORT}; 0: any free port)`, integerIn(0, 65_535))
    .action(act(stepCommand));
}

export async function stepCommand(options: StepOptions, positionals: string[]): Promise<number> {
  const path = positionals[0] as string;
  if (options.port !== undefined && options.web !== true) throw new UsageError('--port needs --web');
  const session = open(path);
  const clauses = (session.header.model === 'quorum' ? quorumClauses : [...replicationClauses, ...producerClauses, ...groupClauses]).map((c) => ({ id: c.id, kind: c.kind }));
  if (options.web === true) return serveWeb(new StepperApi(session, `kspec step ${basename(path)}`, clauses), options.port ?? DEFAULT_WEB_PORT);
  let state = initialState(`kspec step ${basename(path)}`, clauses, session.steps, session.cursor, session.view());
  state = { ...state, follow: options.follow ?? [] };
  const interactive = process.stdin.isTTY === true && process.stdout.isTTY === true;
  return interactive ? runInTerminal(state, session) : runPiped(state, session, options.size ?? { columns: 80, rows: 24 });
}

/** Serve the page until Ctrl-C. */
async function serveWeb(api: StepperApi, port: number): Promise<number> {
  let server: Server;
  try {
    server = await serveStepper(api, port);
  } catch (error) {
    if (error instanceof PortInUseError) throw new UsageError(error.message);
    throw error;
  }
  console.log(`kspec step: http://127.0.0.1:${portOf(server)}/ (Ctrl-C stops)`);
  return serveUntilInterrupted(server);
}

function open(path: string): StepSession {
  try {
    const { trace } = openForStepping(path);
    const session = new StepSession(trace.header, trace.steps);
    session.source = path;
    return session;
  } catch (error) {
    if (error instanceof TraceFormatError || error instanceof ScriptError) throw new UsageError(`${path}: ${error.message}`);
    if ((error as NodeJS.ErrnoException).code !== undefined) throw new UsageError(`cannot read ${path}: ${(error as Error).message}`);
    throw error;
  }
}

/** Carry out the core's request on the run and hand the result back to the core. */
export function perform(state: StepperState, request: StepperRequest | undefined, session: StepSession): StepperState {
  if (request === undefined) return state;
  let message: string;
  switch (request.kind) {
    case 'goto':
      message = session.goto(request.index);
      break;
    case 'goto-time':
      message = session.gotoTime(request.timeMs);
      break;
    case 'take':
      message = session.take(request.pending);
      break;
    case 'save':
      try {
        // A .txt name saves the branch as a scenario script; anything else as a trace.
        const scenario = request.path.endsWith('.txt');
        writeOutput(request.path, scenario ? session.saveScenario() : session.save(), scenario ? 'scenario' : 'trace');
        message = `saved ${session.cursor + 1} steps to ${request.path} (${scenario ? 'kspec scenario runs it, kspec step opens it' : 'kspec step or kspec sim --replay it'})`;
      } catch (error) {
        message = error instanceof OutputError ? error.message : `could not save: ${(error as Error).message}`;
      }
      break;
  }
  return withRun(state, session.steps, session.cursor, session.view(), message, session.forked);
}

/** Keys from piped stdin: every finished command prints its screen. */
async function runPiped(initial: StepperState, session: StepSession, size: ScreenSize): Promise<number> {
  let state = initial;
  // Screens are separated by a form feed (a pager or a script splits on it).
  const print = (): void => void process.stdout.write(render(state, size).join('\n') + '\n\f\n');
  print();
  let input = '';
  for await (const chunk of process.stdin) input += String(chunk);
  for (const key of input.replace(/\r?\n/g, '\r')) {
    const { state: next, request } = press(state, key);
    state = perform(next, request, session);
    if (state.quit) break;
    if (state.prompt === null) print();
  }
  return 0;
}

/** A TTY: raw keys, the alternate screen, redrawn after every key; arrows move too. */
function runInTerminal(initial: StepperState, session: StepSession): Promise<number> {
  let state = initial;
  const size = (): ScreenSize => ({ columns: process.stdout.columns ?? 80, rows: process.stdout.rows ?? 24 });
  const draw = (): void => void process.stdout.write(`\x1b[H\x1b[2J${render(state, size()).join('\r\n')}`);
  process.stdout.write('\x1b[?1049h\x1b[?25l');
  process.stdin.setRawMode(true);
  process.stdin.resume();
  draw();
  return new Promise((resolve) => {
    const finish = (): void => {
      process.stdin.setRawMode(false);
      process.stdin.pause();
      process.stdin.off('data', onData);
      process.stdout.off('resize', draw);
      process.stdout.write('\x1b[?25h\x1b[?1049l');
      resolve(0);
    };
    const onData = (data: Buffer): void => {
      const text = data.toString('utf8');
      const keys = text === '\x1b[C' ? ['n'] : text === '\x1b[D' ? ['b'] : text.startsWith('\x1b[') ? [] : [...text];
      for (const key of keys) {
        const { state: next, request } = press(state, key);
        state = perform(next, request, session);
        if (state.quit) return finish();
      }
      draw();
    };
    process.stdin.on('data', onData);
    process.stdout.on('resize', draw);
  });
}
