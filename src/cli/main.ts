/**
 * The kspec command. Exit codes: 0 every clause holds, 1 a clause was violated (or a scenario
 * mismatched), 2 bad usage or input (one line on stderr, never a stack trace), 3 kspec itself
 * failed (a bug: one line; KSPEC_DEBUG=1 prints the stack), 130 interrupted.
 *
 * Arguments are parsed with commander: it gives every command its --help from the same
 * declarations that parse it, and names a mistyped option's likely meaning.
 */
import { Command, CommanderError, Option } from 'commander';
import packageJson from '../../package.json' with { type: 'json' };
import { UsageError, integerIn, parseOnOff, parseSeed, parseShard } from './args.js';
import { OutputError } from './files.js';
import { humanOutputTo } from './output.js';
import { UnknownVariantError, variants } from '../variants.js';
import { simCommand } from './commands/sim.js';
import { sweepCommand } from './commands/sweep.js';
import { exploreCommand } from './commands/explore.js';
import { scenarioCommand } from './commands/scenario.js';
import { variantsCommand } from './commands/variants.js';
import { demoCommand } from './commands/demo.js';
import { partitionCommand } from './commands/partition.js';
import { clausesCommand } from './commands/clauses.js';
import { frameCommand } from './commands/frame.js';
import { registerDumpLog } from './commands/dump-log.js';
import { docsCommandLine } from './commands/docs.js';
import { registerTraceCommand } from './commands/trace.js';
import { addConformCommand } from './commands/conform.js';
import { registerUpCommand } from './commands/up.js';
import { registerNodeCommand } from './commands/node.js';
import { registerTopicsCommand } from './commands/topics.js';
import { registerGroupsCommand } from './commands/groups.js';

export const EXIT_HOLDS = 0;
export const EXIT_VIOLATION = 1;
export const EXIT_USAGE = 2;
export const EXIT_INTERNAL = 3;

const VERSION = packageJson.version;

/** Options shared by the commands that run the simulator. */
function runOptions(command: Command, { seed }: { seed: boolean }): Command {
  if (seed) command.option('--seed <n>', `the seed (0..4294967295): every option not chosen below derives from it`, parseSeed, 1);
  return command
    .option('--variant <name>', `protocol variant (${variants.map((v) => v.name).join(', ')})`, 'kraft')
    .addOption(new Option('--model <model>', 'replication (controllers, brokers, partitions) or quorum (the controller quorum alone); a variant picks its own').choices(['replication', 'quorum']))
    .option('--max-steps <n>', 'cut a run after this many steps (default 400000 replication, 200000 quorum)', integerIn(1, 100_000_000))
    .option('--unclean', 'replication: unclean.leader.election.enable=true on the topic', false)
    .option('--idempotence', 'replication: enable.idempotence=true asked for explicitly (Kafka\'s default with acks=all; with --acks 0 or 1 a config error, as in Kafka)')
    .option('--no-idempotence', 'replication: the producer runs with enable.idempotence=false')
    .option('--brokers <n>', 'replication: number of brokers', integerIn(1, 32))
    .option('--partitions <n>', 'replication: partitions of the topic', integerIn(1, 64))
    .option('--replication-factor <n>', 'replication: replication factor of the topic (at most --brokers)', integerIn(1, 32))
    .addOption(new Option('--acks <acks>', 'replication: every write\'s acks (all: the raw writer\'s mix becomes all; 1 or 0: the producer\'s idempotence is off unless --idempotence, which Kafka refuses with them)').choices(['all', '1', '0']))
    .option('--faults <on|off>', 'inject crashes, partitions, pauses and clock skew (on) or none (off)', parseOnOff)
    .addOption(new Option('--group-protocol <protocol>', 'replication: a consumer group with group.protocol classic or consumer (KIP-848), or none').choices(['classic', 'consumer', 'none']))
    .option('--voters <n>', 'quorum: number of KRaft voters', integerIn(1, 9));
}

function program(setExitCode: (code: number) => void): Command {
  const root = new Command('kspec')
    .description('An executable specification of Apache Kafka: simulate, sweep and explore runs of the machines and judge them against the spec\'s clauses.')
    .version(VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'print this help')
    .addHelpText('after', '\nExit codes: 0 every clause holds; 1 a clause was violated or a scenario differs; 2 bad usage or input; 3 a bug in kspec; 130 interrupted.\nRun `kspec <command> --help` for a command\'s options.')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => process.stdout.write(text),
      writeErr: (text) => process.stderr.write(text),
      // Errors are printed by main() as one line; commander's own printing would add a second.
      outputError: () => undefined,
    });
  const act = <T>(run: (options: T, positionals: string[], command: Command) => number | Promise<number>) => async (...args: unknown[]) => {
    const command = args[args.length - 1] as Command;
    setExitCode(await run(command.opts() as T, command.args, command));
  };

  root.command('demo')
    .description('the narrated replication demo: Kafka\'s user_activity example, a leader crash, a consumer group; --model quorum: the narrated 3-controller quorum')
    .option('--seed <n>', 'the seed', parseSeed, 7)
    .addOption(new Option('--model <model>', 'replication or quorum').choices(['replication', 'quorum']).default('replication'))
    .action(act(demoCommand));

  runOptions(root.command('sim'), { seed: true })
    .description('one simulated run of a seed: prints the options it chose, then every clause\'s verdict; or --replay a trace')
    .option('--trace <file>', 'write the run\'s trace (JSON lines) to this file')
    .option('--replay <file>', 're-apply every step of a trace (any model); it must reproduce it exactly, or exit 2 naming the first step that differs')
    .option('--json [file]', 'also write the run as JSON (schema kspec.sim/1) to a file, or to stdout (the readable report then goes to stderr)')
    .action(act(simCommand));

  runOptions(root.command('sweep'), { seed: false })
    .description('many seeds with faults, and a summary; exit 1 on any violation')
    .option('--seeds <n>', 'how many seeds', integerIn(1, 1_000_000), 100)
    .option('--from <s>', 'the first seed', parseSeed, 1)
    .option('--workers <n>', 'worker threads (default: min(cores, 4))', integerIn(1, 64))
    .option('--shard <i/n>', 'run only share I of N of the seeds (every N-th seed from the I-th); merge the shares with --merge', parseShard)
    .option('--json <file>', 'write the summary and every seed\'s outcome as JSON (schema kspec.sweep/1); - for stdout')
    .option('--fail-on-allowed', 'also fail on any anomaly Kafka allows (lost writes under unclean election, KIP-360 duplicates); each is listed with its reason', false)
    .option('--merge <files...>', 'combine the --json files of shares into one summary (no run)')
    .action(act(sweepCommand));

  root.command('explore')
    .description('fast-check fault schedules, shrunk to a minimal counterexample; exit 1 when one is found')
    .option('--variant <name>', 'protocol variant', 'kraft')
    .addOption(new Option('--model <model>', 'replication or quorum; a variant picks its own').choices(['replication', 'quorum']))
    .option('--runs <n>', 'schedules to try', integerIn(1, 1_000_000), 300)
    .option('--seed <n>', 'fast-check\'s seed: the same seed and runs reproduce the exploration', parseSeed, 1)
    .option('--voters <n>', 'quorum: number of KRaft voters', integerIn(1, 9))
    .option('--out <file>', 'where the counterexample\'s trace goes (default traces/<model>-explore-<variant>.jsonl)')
    .option('--json [file]', 'also write the outcome as JSON (schema kspec.explore/1) to a file, or to stdout')
    .action(act(exploreCommand));

  root.command('scenario')
    .description('run scenario scripts against their golden output; exit 1 on a difference')
    .argument('<files...>', 'scenario scripts (scenarios/*/*.txt)')
    .option('--update', 'rewrite each file\'s expected output instead of comparing', false)
    .action(act(scenarioCommand));

  root.command('clauses')
    .description('the spec\'s clauses: id, kind, title; with an ID its statement, source and where it is checked')
    .argument('[id]', 'a clause id, e.g. REPL-HW-1')
    .option('--json', 'as JSON', false)
    .action(act(clausesCommand));

  registerDumpLog(root, act);

  root.command('variants')
    .description('the named protocol variants: the reference and the known-broken ones')
    .action(act(variantsCommand));

  // `frame` parses its own arguments (decode|encode and their options), help included.
  root.command('frame')
    .description('a Kafka frame to JSON with Kafka\'s field names, and back (decode|encode, --request|--response, --api KEY --version V); kspec frame --help')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument('[args...]')
    .action(async (...args: unknown[]) => setExitCode(frameCommand((args[args.length - 1] as Command).args)));

  root.command('partition')
    .description('the partition of each key under the Java client\'s default partitioner')
    .argument('<keys...>', 'keys (UTF-8, or hex bytes with --hex)')
    .requiredOption('--partitions <n>', 'number of partitions', integerIn(1, 1_000_000))
    .option('--hex', 'keys are hex bytes', false)
    .action(act(partitionCommand));

  root.addCommand(docsCommandLine(setExitCode));
  registerTraceCommand(root, act);
  addConformCommand(root, setExitCode);
  registerUpCommand(root, setExitCode);
  registerNodeCommand(root, setExitCode);
  registerTopicsCommand(root, setExitCode);
  registerGroupsCommand(root, setExitCode);

  for (const command of root.commands) {
    if (command.name() === 'frame') continue;
    command.helpOption('-h, --help', 'print this help').showSuggestionAfterError(true).exitOverride().configureOutput(root.configureOutput());
  }
  return root;
}

export async function main(argv: string[]): Promise<number> {
  humanOutputTo('stdout');
  let exitCode = EXIT_HOLDS;
  const root = program((code) => (exitCode = code));
  const name = root.commands.some((c) => c.name() === argv[0]) ? `kspec ${argv[0]}` : 'kspec';
  try {
    await root.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    return report(error, name);
  }
}

function report(error: unknown, name: string): number {
  if (error instanceof CommanderError) {
    // --help and --version print and succeed; `kspec` alone printed its help to stderr: bad usage.
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT_HOLDS;
    if (error.code === 'commander.help') return EXIT_USAGE;
    console.error(`${name}: ${oneLine(error.message.replace(/^error: /, ''))} (see ${name} --help)`);
    return EXIT_USAGE;
  }
  if (error instanceof UsageError || error instanceof UnknownVariantError || error instanceof OutputError) {
    console.error(`${name}: ${oneLine(error.message)}`);
    return EXIT_USAGE;
  }
  const message = error instanceof Error ? error.message : String(error);
  console.error(`${name}: internal error, a bug in kspec: ${oneLine(message)}${process.env['KSPEC_DEBUG'] === undefined ? ' (KSPEC_DEBUG=1 shows where)' : ''}`);
  if (process.env['KSPEC_DEBUG'] !== undefined && error instanceof Error) console.error(error.stack);
  return EXIT_INTERNAL;
}

const oneLine = (text: string): string => text.split('\n').map((l) => l.trim()).filter((l) => l !== '').join(' ');
