/**
 * Which simulation a command runs, and the validated request it runs: `replication`
 * (controllers, brokers, partitions; the default) or `quorum` (the controller quorum alone). A
 * variant about one of them picks it; a flag that only means something to the other model is an
 * error, never silently ignored.
 */
import { UsageError } from '../args.js';
import { findVariant, type Variant } from '../../variants.js';
import { clusterChoicesError, type ClusterChoices } from '../../sim/cluster/choices.js';
import { resolveProducerConfig } from '../../machines/producer/config.js';
import { DEFAULT_MAX_STEPS, type Model, type RunRequest } from '../reproduce.js';

export type { Model };

export function chooseModel(flag: string | undefined, variant: Variant): Model {
  const model = flag as Model | undefined;
  if (variant.model === 'quorum') {
    if (model === 'replication') throw new UsageError(`variant '${variant.name}' is about the controller quorum: use --model quorum`);
    return 'quorum';
  }
  if (variant.model === 'replication') {
    if (model === 'quorum') throw new UsageError(`variant '${variant.name}' is about replication: use --model replication`);
    return 'replication';
  }
  return model ?? 'replication';
}

/** The options runOptions() in main.ts declares, as commander hands them over. */
export interface RunOptions {
  readonly variant: string;
  readonly model?: Model;
  readonly maxSteps?: number;
  readonly unclean: boolean;
  /** true: --idempotence asked for it; false: --no-idempotence; undefined: Kafka's default. */
  readonly idempotence?: boolean;
  readonly brokers?: number;
  readonly partitions?: number;
  readonly replicationFactor?: number;
  readonly acks?: ClusterChoices['acks'];
  readonly faults?: boolean;
  readonly groupProtocol?: ClusterChoices['groupProtocol'];
  readonly voters?: number;
}

const REPLICATION_ONLY: readonly [keyof RunOptions, string][] = [
  ['unclean', '--unclean is a topic config'],
  ['brokers', '--brokers'],
  ['partitions', '--partitions'],
  ['replicationFactor', '--replication-factor'],
  ['acks', '--acks'],
  ['groupProtocol', '--group-protocol'],
];

export function resolveRun(options: RunOptions): RunRequest {
  const variant = findVariant(options.variant);
  const model = chooseModel(options.model, variant);
  const noIdempotence = options.idempotence === false;
  if (model === 'quorum') {
    for (const [key, flag] of REPLICATION_ONLY) {
      if (options[key] !== undefined && options[key] !== false) throw new UsageError(`${flag} needs the replication model (this run is --model quorum)`);
    }
    if (noIdempotence) throw new UsageError('--no-idempotence configures the producer: it needs the replication model');
  } else if (options.voters !== undefined) {
    throw new UsageError('--voters sets the quorum model\'s voter count; the replication model draws its controller quorum from the seed (use --model quorum)');
  }
  const choices: ClusterChoices = {
    ...(options.brokers === undefined ? {} : { brokers: options.brokers }),
    ...(options.partitions === undefined ? {} : { partitions: options.partitions }),
    ...(options.replicationFactor === undefined ? {} : { replicationFactor: options.replicationFactor }),
    ...(options.acks === undefined ? {} : { acks: options.acks }),
    ...(options.faults === undefined ? {} : { faults: options.faults }),
    ...(options.groupProtocol === undefined ? {} : { groupProtocol: options.groupProtocol }),
  };
  // As Kafka's ProducerConfig: enable.idempotence asked for with acks other than all is a ConfigException.
  if (options.idempotence === true && options.acks !== undefined && options.acks !== 'all') {
    const resolved = resolveProducerConfig({ enableIdempotence: true, acks: Number(options.acks) as 0 | 1 });
    throw new UsageError(`--idempotence with --acks ${options.acks}: ${resolved.ok ? 'idempotence needs acks=all' : resolved.error}`);
  }
  const invalid = clusterChoicesError(choices);
  if (invalid !== null) throw new UsageError(invalid);
  return {
    model, variant: variant.name, maxSteps: options.maxSteps ?? DEFAULT_MAX_STEPS[model], unclean: options.unclean, noIdempotence, choices,
    ...(options.voters === undefined ? {} : { voters: options.voters }),
  };
}
