/**
 * What a run was asked for, and from it the two things a user needs to get back to it: the
 * command that reproduces it and where its trace goes. The one writer of reproduce hints: the CLI
 * builds them from what it was asked, the simulators' tests from a run's options
 * ({@link reproduceOptions}), so every hint carries every flag that changes the run (model,
 * variant, max steps, topic configs, the writer, chosen cluster options) and the models' traces
 * never overwrite each other.
 */
import { isDeepStrictEqual } from 'node:util';
import { chooseFaults, chosenClusterOptions, chosenQuorumOptions, clusterChoicesFlags, type ClusterChoices } from './cluster/choices.js';
import type { FaultRates } from './options.js';
import type { ClusterOptions } from './cluster/options.js';
import type { SimOptions } from './options.js';

export type Model = 'replication' | 'quorum';

export const DEFAULT_MAX_STEPS: Record<Model, number> = { replication: 400_000, quorum: 200_000 };

export interface RunRequest {
  readonly model: Model;
  readonly variant: string;
  readonly maxSteps: number;
  readonly unclean: boolean;
  readonly noIdempotence: boolean;
  readonly choices: ClusterChoices;
  /** The quorum model's voter count, when chosen. */
  readonly voters?: number;
}

export function runFlags(run: RunRequest): string[] {
  return [
    `--model ${run.model}`,
    ...(run.variant === 'kraft' ? [] : [`--variant ${run.variant}`]),
    ...(run.maxSteps === DEFAULT_MAX_STEPS[run.model] ? [] : [`--max-steps ${run.maxSteps}`]),
    ...(run.unclean ? ['--unclean'] : []),
    ...(run.noIdempotence ? ['--no-idempotence'] : []),
    ...(run.voters === undefined ? [] : [`--voters ${run.voters}`]),
    ...clusterChoicesFlags(run.choices),
  ];
}

export function reproduceSeed(run: RunRequest, seed: number): string {
  return ['npx kspec sim --seed', String(seed), ...runFlags(run)].join(' ');
}

export interface ExploreRequest {
  readonly model: Model;
  readonly variant: string;
  readonly runs: number;
  readonly seed: number;
  readonly voters?: number;
}

/** fast-check's seed and run count reproduce the whole exploration, its shrinking included. */
export function reproduceExploration(e: ExploreRequest): string {
  return ['npx kspec explore', `--model ${e.model}`, ...(e.variant === 'kraft' ? [] : [`--variant ${e.variant}`]), `--runs ${e.runs}`, `--seed ${e.seed}`, ...(e.voters === undefined ? [] : [`--voters ${e.voters}`])].join(' ');
}

/** traces/<model>-seed-<N>[-<variant>].jsonl and traces/<model>-explore-<variant>.jsonl. */
export function seedTracePath(model: Model, seed: number, variant: string): string {
  return `traces/${model}-seed-${seed}${variant === 'kraft' ? '' : `-${variant}`}.jsonl`;
}

export function exploreTracePath(model: Model, variant: string): string {
  return `traces/${model}-explore-${variant}.jsonl`;
}

/**
 * The request a run's options answer: the seed's draws and the flags that changed them. `exact`
 * says whether those flags give these options back (a test may force what no flag can say).
 */
export function requestOf(model: Model, options: SimOptions | ClusterOptions): { request: RunRequest; exact: boolean } {
  const base = { model, variant: options.variant, maxSteps: options.maxSteps, unclean: false, noIdempotence: false, choices: {} };
  if (model === 'quorum') {
    const o = options as SimOptions;
    const drawn = chosenQuorumOptions(o.seed, { variant: o.variant, maxSteps: o.maxSteps });
    const choices: ClusterChoices = faultsChoice(drawn.faults, o.faults);
    const request: RunRequest = { ...base, choices, ...(o.voters === drawn.voters ? {} : { voters: o.voters }) };
    return { request, exact: isDeepStrictEqual(chosenQuorumOptions(o.seed, request), o) };
  }
  const o = options as ClusterOptions;
  const unclean = o.topic.configs['unclean.leader.election.enable'] === 'true';
  // acks=0/1 turns the producer's idempotence off by itself (applyClusterChoices): --no-idempotence is not needed to say so.
  const noIdempotence = o.producer === 'plain' && o.acks === undefined;
  const drawn = chosenClusterOptions(o.seed, { variant: o.variant, maxSteps: o.maxSteps, unclean, noIdempotence });
  const choices: ClusterChoices = {
    ...(o.brokers === drawn.brokers ? {} : { brokers: o.brokers }),
    ...(o.topic.partitions === drawn.topic.partitions ? {} : { partitions: o.topic.partitions }),
    // Choosing brokers derives the replication factor as the seed does, min(3, brokers) (applyClusterChoices).
    ...(o.topic.replicationFactor === (o.brokers === drawn.brokers ? drawn.topic.replicationFactor : Math.min(3, o.brokers)) ? {} : { replicationFactor: o.topic.replicationFactor }),
    ...(o.acks !== undefined ? { acks: String(o.acks) as '0' | '1' } : o.acksAllShare === 1 && drawn.acksAllShare !== 1 ? { acks: 'all' as const } : {}),
    ...faultsChoice(drawn.faults, o.faults),
    ...groupChoice(drawn.group, o.group),
  };
  const request: RunRequest = { ...base, unclean, noIdempotence, choices };
  return { request, exact: isDeepStrictEqual(chosenClusterOptions(o.seed, request), o) };
}

/**
 * The `--faults` flag that turns the seed's fault rates into the run's, if one does. Comparing the
 * whole rates matters: `--faults on` also turns crashes on for a seed that drew faults of no kind.
 */
function faultsChoice(drawn: FaultRates, ran: FaultRates): ClusterChoices {
  if (isDeepStrictEqual(drawn, ran)) return {};
  for (const on of [true, false]) if (isDeepStrictEqual(chooseFaults(drawn, on), ran)) return { faults: on };
  return {};
}

function groupChoice(drawn: ClusterOptions['group'], ran: ClusterOptions['group']): ClusterChoices {
  if (ran === null) return drawn === null ? {} : { groupProtocol: 'none' };
  return drawn?.protocol === ran.protocol ? {} : { groupProtocol: ran.protocol };
}

/** The command that reproduces a run of these options, or says which part no flag can give. */
export function reproduceOptions(model: Model, options: SimOptions | ClusterOptions): string {
  const { request, exact } = requestOf(model, options);
  const command = reproduceSeed(request, options.seed);
  return exact ? command : `${command} (no flag gives every option of this run: replay its trace with kspec sim --replay)`;
}
