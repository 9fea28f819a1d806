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

/** Share of the seeds with a group that get zombies. */
const ZOMBIE_SHARE = 0.8;
/** Share of those whose every consumer stops at once (one host or VM runs them all): with fewer partitions than consumers, a lone zombie often owns nothing to commit. */
const WHOLE_HOST_SHARE = 0.4;
/** Zombies stop after the group has likely formed (topic created, first join done), so that they hold partitions. */
const ZOMBIE_AFTER_MS = 5_000;
/** ... and wake before the safety phase ends, so that heal-all does not wake them first. */
const ZOMBIE_MAX_EXTRA_MS = 2_500;

/**
 * Most seeds with a group get consumers paused past their session timeout during the safety
 * phase: one consumer, or every consumer at once.
 */
export function zombiePauses(options: ClusterOptions, sessionTimeoutMs: number): ZombiePause[] {
  const ids = consumerIds(options);
  const random = Random.stream(options.seed, 'consumer-zombies');
  if (ids.length === 0 || !random.chance(ZOMBIE_SHARE)) return [];
  const latestMs = options.safetyPhaseMs - sessionTimeoutMs - ZOMBIE_MAX_EXTRA_MS;
  const atMs = random.int(ZOMBIE_AFTER_MS, Math.max(ZOMBIE_AFTER_MS, latestMs));
  const pauseMs = sessionTimeoutMs + random.int(500, ZOMBIE_MAX_EXTRA_MS);
  const paused = random.chance(WHOLE_HOST_SHARE) ? ids : [random.pick(ids)];
  return paused.map((consumer) => ({ consumer, atMs, pauseMs }));
}
