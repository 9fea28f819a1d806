/**
 * The kspec command. Exit codes: 0 every clause holds, 1 a clause was violated (or a scenario
 * mismatched), 2 bad usage or input.
 */
import { UsageError } from './args.js';
import { simCommand } from './commands/sim.js';
import { sweepCommand } from './commands/sweep.js';
import { exploreCommand } from './commands/explore.js';
import { scenarioCommand } from './commands/scenario.js';
import { variantsCommand } from './commands/variants.js';
import { demoCommand } from './commands/demo.js';
import { partitionCommand } from './commands/partition.js';
import { frameCommand } from './commands/frame.js';
import { UnknownVariantError } from '../variants.js';

const COMMANDS: Record<string, { run: (args: string[]) => number | Promise<number>; summary: string }> = {
  demo: { run: demoCommand, summary: 'a narrated 3-controller quorum: election, leader crash, re-election, verdicts' },
  sim: { run: simCommand, summary: 'one simulated run of a seed (--seed N --trace FILE), or --replay FILE' },
  sweep: { run: sweepCommand, summary: 'many seeds (--seeds N --from S --variant NAME), with a summary' },
  explore: { run: exploreCommand, summary: 'fast-check fault schedules, shrunk to a minimal counterexample' },
  scenario: { run: scenarioCommand, summary: 'run scenario scripts against their golden output (--update rewrites)' },
  variants: { run: variantsCommand, summary: 'the named protocol variants' },
  frame: { run: frameCommand, summary: 'a Kafka frame to JSON with Kafka\'s field names, and back (decode|encode, --request|--response, --api KEY --version V)' },
  partition: { run: partitionCommand, summary: 'the partition of each key under the Java client\'s default partitioner (--partitions N [--hex])' },
};

function usage(): string {
  return ['usage: kspec <command> [options]', '', ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(9)} ${c.summary}`)].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    console.error(`kspec: unknown command '${name}'\n${usage()}`);
    return 2;
  }
  try {
    return await command.run(args);
  } catch (error) {
    if (error instanceof UsageError || error instanceof UnknownVariantError) {
      console.error(`kspec ${name}: ${error.message}`);
      return 2;
    }
    throw error;
  }
}

