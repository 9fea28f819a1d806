/**
 * The zombie-committer fault: a consumer process stops (a long GC pause, a stopped VM) for longer
 * than its session timeout, the group moves on without it, and then it wakes up and carries on
 * where it was, committing with its old generation (CG-COMMIT-3). Drawn from its own stream, so
 * adding it left every other draw of a seed as it was.
 */
import { Random } from '../../core/prng.js';
import { consumerIds, type ClusterOptions } from './options.js';

/** 'zombie': the moment a zombie plan picks its consumers and stops them (see {@link zombieVictims}). */
export type ConsumerOp = 'poll' | 'crash' | 'restart' | 'pause' | 'resume' | 'zombie';

/** When the zombies stop, for how long, and which: every consumer (one host), or one that holds partitions then. */
export interface ZombiePlan {
  readonly atMs: number;
  readonly pauseMs: number;
  readonly wholeHost: boolean;
  /** Which of the partition holders stops, as a share of their count (drawn now, applied at `atMs`). */
  readonly pick: number;
}

/** Share of the seeds with a group that get zombies. */
const ZOMBIE_SHARE = 0.8;
/** Share of those whose every consumer stops at once (one host or VM runs them all). */
const WHOLE_HOST_SHARE = 0.4;
/** Zombies stop after the group has likely formed (topic created, first join done), so that they hold partitions. */
const ZOMBIE_AFTER_MS = 5_000;
/** ... and wake before the safety phase ends, so that heal-all does not wake them first. */
const ZOMBIE_MAX_EXTRA_MS = 2_500;

/**
 * Most seeds with a group get consumers paused past their session timeout during the safety
 * phase: one consumer, or every consumer at once.
 */
export function zombiePlan(options: ClusterOptions, sessionTimeoutMs: number): ZombiePlan | null {
  const ids = consumerIds(options);
  const random = Random.stream(options.seed, 'consumer-zombies');
  if (ids.length === 0 || !random.chance(ZOMBIE_SHARE)) return null;
  const latestMs = options.safetyPhaseMs - sessionTimeoutMs - ZOMBIE_MAX_EXTRA_MS;
  const atMs = random.int(ZOMBIE_AFTER_MS, Math.max(ZOMBIE_AFTER_MS, latestMs));
  const pauseMs = sessionTimeoutMs + random.int(500, ZOMBIE_MAX_EXTRA_MS);
  const wholeHost = random.chance(WHOLE_HOST_SHARE);
  return { atMs, pauseMs, wholeHost, pick: random.float() };
}

/**
 * The consumers a plan stops, chosen when it strikes: a lone zombie is one that holds partitions
 * then (a consumer that owns nothing has nothing to commit, and with fewer partitions than
 * consumers a blind pick often owns nothing); with no holder, the first consumer.
 */
export function zombieVictims(plan: ZombiePlan, consumers: readonly number[], holders: readonly number[]): number[] {
  if (plan.wholeHost) return [...consumers];
  const from = holders.length > 0 ? holders : consumers.slice(0, 1);
  return from.length === 0 ? [] : [from[Math.min(from.length - 1, Math.floor(plan.pick * from.length))]!];
}
