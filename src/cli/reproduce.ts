/**
 * What a run was asked for, and from it the two things a user needs to get back to it: the
 * command that reproduces it and where its trace goes. One place for both, so every hint carries
 * every flag that changes the run (model, variant, max steps, topic configs, the writer, chosen
 * cluster options) and the models' traces never overwrite each other.
 */
import type { ClusterChoices } from '../sim/cluster/choices.js';
import { clusterChoicesFlags } from '../sim/cluster/choices.js';

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
