/**
 * The zombie-committer fault: a consumer process stops (a long GC pause, a stopped VM) for longer
 * than its session timeout, the group moves on without it, and then it wakes up and carries on
 * where it was, committing with its old generation (CG-COMMIT-3). Drawn from its own stream, so
 * adding it left every other draw of a seed as it was.
 */
import { Random } from '../../core/prng.js';
import { consumerIds, type ClusterOptions } from './options.js';

export type ConsumerOp = 'poll' | 'crash' | 'restart' | 'pause' | 'resume';

export interface ZombiePause {
  readonly consumer: number;
  readonly atMs: number;
  readonly pauseMs: number;
}

/** About half the seeds with a group get one consumer paused past its session timeout during the safety phase. */
export function zombiePauses(options: ClusterOptions, sessionTimeoutMs: number): ZombiePause[] {
  const ids = consumerIds(options);
  const random = Random.stream(options.seed, 'consumer-zombies');
  if (ids.length === 0 || !random.chance(0.5)) return [];
  const atMs = random.int(2_000, Math.max(2_001, options.safetyPhaseMs - 4_000));
  return [{ consumer: random.pick(ids), atMs, pauseMs: sessionTimeoutMs + random.int(500, 2_500) }];
}
