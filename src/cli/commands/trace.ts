/**
 * `kspec trace FILE`: a trace printed as readable lines, one block per step (the event, then its
 * effects, changes and violations), filtered by node, message type and a step or time window.
 * What kafka-dump-log is for a log. The file is checked as replay checks it (a malformed trace is
 * one line, exit 2); it is not replayed.
 */
import { readFileSync } from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import { UsageError, integerIn } from '../args.js';
import { say } from '../output.js';
import { parseTraceFile, TraceFormatError, type TraceFile } from '../../trace/format.js';
import { describeStep, nodesOf, parseNode, stepIsOfType } from '../../trace/render.js';
import { registerStepCommand } from './step.js';

export interface TraceOptions {
  readonly node?: number[];
  readonly type?: string[];
  readonly from?: number;
  readonly to?: number;
  readonly fromMs?: number;
  readonly toMs?: number;
}

/** Registers `trace` and `step` (src/cli/commands/step.ts) on the root command: main.ts calls this once. */
export type Act = <T>(run: (options: T, positionals: string[], command: Command) => number | Promise<number>) => (...args: unknown[]) => Promise<void>;

const collectNode = (value: string, previous: number[] = []): number[] => {
  const id = parseNode(value);
  if (id === null) throw new InvalidArgumentError('must be a node id: n3, c91, 101');
  return [...previous, id];
};
const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function registerTraceCommand(root: Command, act: Act): void {
  const step = integerIn(0, Number.MAX_SAFE_INTEGER, 'a step number');
  const ms = integerIn(0, Number.MAX_SAFE_INTEGER, 'a time in milliseconds');
  root.command('trace')
    .description('print a trace (kspec sim --trace, explore) as readable lines: each step\'s event, effects (->), changes (~) and violations (!)')
    .argument('<file>', 'a trace file (JSON lines, docs/trace-format.md)')
    .option('--node <id>', 'only steps about this node (n3, c91, 101): its messages, timers, faults and changes; repeatable', collectNode)
    .option('--type <type>', 'only steps of this message type (Fetch matches FetchRequest and FetchResponse) or event kind (deliver, timer, client, consumer, fault, call); repeatable', collect)
    .option('--from <step>', 'first step to print', step)
    .option('--to <step>', 'last step to print', step)
    .option('--from-ms <t>', 'first virtual time (ms) to print', ms)
    .option('--to-ms <t>', 'last virtual time (ms) to print', ms)
    .action(act(traceCommand));
  registerStepCommand(root, act);
}

export function readTrace(path: string): TraceFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read trace ${path}: ${(error as Error).message}`);
  }
  try {
    return parseTraceFile(text);
  } catch (error) {
    if (error instanceof TraceFormatError) throw new UsageError(`${path}: ${error.message}`);
    throw error;
  }
}

export function traceCommand(options: TraceOptions, positionals: string[]): number {
  const path = positionals[0] as string;
  if (options.from !== undefined && options.to !== undefined && options.from > options.to) throw new UsageError(`--from ${options.from} is after --to ${options.to}`);
  const trace = readTrace(path);
  const h = trace.header;
  say(`${h.model} trace, seed ${h.seed}, variant ${h.options.variant}${h.scripted ? ', scripted' : ''}, written by kspec ${h.kspec}: ${trace.steps.length} steps${trace.end.finished ? '' : ' (run not finished)'}`);
  let shown = 0;
  for (const s of trace.steps) {
    if (options.from !== undefined && s.step < options.from) continue;
    if (options.to !== undefined && s.step > options.to) break;
    if (options.fromMs !== undefined && s.time < options.fromMs) continue;
    if (options.toMs !== undefined && s.time > options.toMs) break;
    if (options.node !== undefined && !options.node.some((n) => nodesOf(s).has(n))) continue;
    if (options.type !== undefined && !options.type.some((t) => stepIsOfType(s, t))) continue;
    for (const line of describeStep(s)) say(line);
    shown++;
  }
  say(`${shown} of ${trace.steps.length} steps shown; ${trace.end.violations.length === 0 ? 'no violation' : `violations: ${trace.end.violations.join('; ')}`}`);
  return 0;
}
