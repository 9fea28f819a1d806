/**
 * What a conformance check is: a workload that records a history against a target, and a checker
 * from spec/conformance that judges it. Each check names the clauses it judges and the APIs and
 * versions it needs; a target whose ApiVersions lacks one gets "not applicable", never "fail".
 */
import type { Judgement } from '../../spec/conformance/checkers.js';
import type { History, Json, Op } from '../../spec/conformance/history.js';
import { Random } from '../core/prng.js';
import { errorName } from '../protocol/errors.js';
import { apiByKey } from '../protocol/wire/index.js';
import { type ClusterMetadata, type KafkaClient, type TopicMetadata, ConnectError, DisconnectedError, RequestTimeoutError, ResponseDecodeError } from '../client/index.js';
import type { ProcessFaults } from './faults/process.js';

export const SUITES = ['protocol', 'log', 'idempotence', 'groups', 'consumer-groups', 'faults'] as const;
export type SuiteName = (typeof SUITES)[number];

export interface Need {
  readonly apiKey: number;
  readonly minVersion: number;
  /** The check speaks this API only up to here (older shapes of a request it builds). */
  readonly maxVersion?: number;
}

export interface Check {
  /** suite/name, e.g. protocol/api-versions-unknown-version. */
  readonly id: string;
  readonly suite: SuiteName;
  readonly title: string;
  /** The spec clauses it judges. */
  readonly clauses: readonly string[];
  readonly needs: readonly Need[];
  /** Brokers the target must have (a not-leader check needs two). */
  readonly minBrokers?: number;
  /** It kills and restarts brokers: not applicable unless the run has --faults process. */
  readonly needsProcessFaults?: boolean;
  /** How long its workload may take (default: the run's check timeout). */
  readonly timeoutMs?: number;
  run(context: CheckContext): Promise<Judgement>;
}

export type CheckVerdict = 'pass' | 'fail' | 'unknown' | 'not-applicable';

export function needText(need: Need): string {
  const name = apiByKey(need.apiKey)?.name ?? `apiKey ${need.apiKey}`;
  return `${name} v${need.minVersion}${need.maxVersion === undefined ? '+' : `-${need.maxVersion}`}`;
}

/** The reason a target cannot run a check, or null when it can. */
export function inapplicable(check: Check, client: KafkaClient, brokers: number, processFaults = false): string | null {
  if (check.needsProcessFaults === true && !processFaults) return 'needs --faults process (--kill-cmd and --restart-cmd templates that kill and restart a broker)';
  for (const need of check.needs) {
    if (client.versionFor(need.apiKey, need.maxVersion, need.minVersion) === undefined) {
      const range = client.targetRange(need.apiKey);
      return `needs ${needText(need)}; the target offers ${range === undefined ? 'none' : `v${range.minVersion}-${range.maxVersion}`}`;
    }
  }
  if (check.minBrokers !== undefined && brokers < check.minBrokers) return `needs ${check.minBrokers} brokers; the target has ${brokers}`;
  return null;
}

/** A definite answer: ok, or fail with Kafka's error (errorCode non-zero). */
export interface Answer {
  readonly value: Json;
  readonly errorCode?: number;
}

/** Builds the history: one invoke, then its completion, per operation. */
export class Recorder {
  private readonly ops: Op[] = [];
  private readonly startMs = Date.now();

  get history(): History {
    return this.ops;
  }

  private push(op: Omit<Op, 'index' | 'timeMs'>): Op {
    const recorded = { ...op, index: this.ops.length, timeMs: Date.now() - this.startMs } as Op;
    this.ops.push(recorded);
    return recorded;
  }

  /**
   * Runs one operation. A Kafka error code is `fail` (definite: Kafka applied nothing); a timeout
   * or a lost connection is `info`; an answer our codecs refuse is `fail` MALFORMED_RESPONSE.
   * Returns the answer, or undefined when there was none to read.
   */
  async op(process: number, f: string, value: Json, run: () => Promise<Answer>, expectation: { expect?: readonly string[]; source?: string; clause?: string } = {}): Promise<Answer | undefined> {
    const invoke: Omit<Op, 'index' | 'timeMs'> = { process, type: 'invoke', f, value };
    this.push({ ...invoke, ...(expectation.expect === undefined ? {} : { expect: expectation.expect }), ...(expectation.source === undefined ? {} : { source: expectation.source }), ...(expectation.clause === undefined ? {} : { clause: expectation.clause }) });
    try {
      const answer = await run();
      if (answer.errorCode !== undefined && answer.errorCode !== 0) this.push({ process, type: 'fail', f, value: answer.value, error: errorName(answer.errorCode) });
      else this.push({ process, type: 'ok', f, value: answer.value });
      return answer;
    } catch (error) {
      // A broker that cannot be reached (killed by --faults process) is indefinite too: the
      // workload does not know which of its requests a dying broker had already taken.
      if (error instanceof RequestTimeoutError || error instanceof DisconnectedError || error instanceof ConnectError) {
        this.push({ process, type: 'info', f, value: null, error: error.message });
        return undefined;
      }
      if (error instanceof ResponseDecodeError) {
        this.push({ process, type: 'fail', f, value: { detail: error.message, frameHex: Buffer.from(error.frame).toString('hex').slice(0, 400) }, error: 'MALFORMED_RESPONSE' });
        return undefined;
      }
      throw error;
    }
  }

  /** An operation with no answer to wait for (an acks=0 write): indefinite by nature. */
  info(process: number, f: string, value: Json, why: string): void {
    this.push({ process, type: 'invoke', f, value });
    this.push({ process, type: 'info', f, value: null, error: why });
  }
}

export interface CheckContext {
  readonly client: KafkaClient;
  readonly seed: number;
  readonly random: Random;
  readonly recorder: Recorder;
  /** A name unique to this run and check (topics, groups, transactional ids). */
  name(suffix: string): string;
  metadata(): Promise<ClusterMetadata>;
  /** A fresh topic with `partitions` partitions, every one with a leader. */
  topic(suffix: string, partitions: number): Promise<TopicMetadata>;
  brokerIds(): Promise<number[]>;
  /** The target's kill and restart commands, with --faults process. */
  readonly processFaults?: ProcessFaults;
}

export function newRandom(seed: number, checkId: string): Random {
  return Random.stream(seed, checkId);
}
