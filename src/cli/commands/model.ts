/**
 * Which simulation a command runs: `replication` (controllers, brokers, partitions; the default)
 * or `quorum` (the controller quorum alone). A variant about one of them picks it.
 */
import { UsageError } from '../args.js';
import type { Variant } from '../../variants.js';

export type Model = 'replication' | 'quorum';

export function chooseModel(flag: string | undefined, variant: Variant, usage: string): Model {
  if (flag !== undefined && flag !== 'replication' && flag !== 'quorum') throw new UsageError(`--model must be 'replication' or 'quorum', got '${flag}'\nusage: ${usage}`);
  const model = flag as Model | undefined;
  if (variant.model === 'quorum') {
    if (model === 'replication') throw new UsageError(`variant '${variant.name}' is about the controller quorum: use --model quorum\nusage: ${usage}`);
    return 'quorum';
  }
  if (variant.model === 'replication') {
    if (model === 'quorum') throw new UsageError(`variant '${variant.name}' is about replication: use --model replication\nusage: ${usage}`);
    return 'replication';
  }
  return model ?? 'replication';
}
