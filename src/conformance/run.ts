/**
 * Runs checks against a target: connects, negotiates versions, then for each check decides
 * applicability, runs its workload, and judges the history with its checker. A workload that
 * throws is "unknown" with the reason, never "pass" (Maelstrom: a checker that crashes says
 * unknown).
 */
import type { Anomaly } from '../../spec/conformance/checkers.js';
import type { History } from '../../spec/conformance/history.js';
import { ApiKey, type ClusterMetadata, type Endpoint, KafkaClient, type TopicMetadata, type VersionRange } from '../client/index.js';
import type { CreateTopicsResponseData } from '../protocol/wire/generated/CreateTopicsResponse.js';
import { errorName } from '../protocol/errors.js';
import type { ProcessFaults } from './faults/process.js';
import { type Check, type CheckContext, type CheckVerdict, Recorder, inapplicable, needText, newRandom } from './check.js';

export interface CheckResult {
  readonly id: string;
  readonly suite: string;
  readonly title: string;
  readonly clauses: readonly string[];
  readonly needs: readonly string[];
  readonly verdict: CheckVerdict;
  /** not-applicable: why; unknown: what could not be judged. */
  readonly reason: string;
  readonly anomalies: readonly Anomaly[];
  readonly history: History;
  readonly durationMs: number;
}

export interface SuiteRun {
  readonly target: string;
  readonly seed: number;
  readonly runId: string;
  readonly apiVersions: readonly VersionRange[];
  readonly apiVersionsVersion: number;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly results: readonly CheckResult[];
}

export interface RunOptions {
  readonly target: string;
  readonly endpoints: readonly Endpoint[];
  readonly seed: number;
  /** Distinguishes this run's topics and groups from earlier runs' on the same target. */
  readonly runId: string;
  readonly checks: readonly Check[];
  readonly checkTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
  readonly onResult?: (result: CheckResult) => void;
  /** --faults process: the target's kill and restart commands. */
  readonly processFaults?: ProcessFaults;
}

const TOPIC_READY_MS = 10_000;

export async function runSuite(options: RunOptions): Promise<SuiteRun> {
  const started = Date.now();
  const client = await KafkaClient.connect(options.endpoints, { requestTimeoutMs: options.requestTimeoutMs ?? 5000 });
  try {
    const brokers = (await client.metadata([])).brokers.size;
    const results: CheckResult[] = [];
    for (const check of options.checks) {
      const result = await runCheck(client, check, brokers, options);
      results.push(result);
      options.onResult?.(result);
    }
    return {
      target: options.target, seed: options.seed, runId: options.runId, apiVersions: client.apiVersions, apiVersionsVersion: client.apiVersionsVersion,
      startedAt: new Date(started).toISOString(), durationMs: Date.now() - started, results,
    };
  } finally {
    client.close();
  }
}

async function runCheck(client: KafkaClient, check: Check, brokers: number, options: RunOptions): Promise<CheckResult> {
  const started = Date.now();
  const base = { id: check.id, suite: check.suite, title: check.title, clauses: check.clauses, needs: check.needs.map(needText) };
  const notApplicable = inapplicable(check, client, brokers, options.processFaults !== undefined);
  if (notApplicable !== null) return { ...base, verdict: 'not-applicable', reason: notApplicable, anomalies: [], history: [], durationMs: 0 };
  const recorder = new Recorder();
  const context = contextFor(client, check, recorder, options);
  const timeoutMs = check.timeoutMs ?? options.checkTimeoutMs ?? 30_000;
  let timer: NodeJS.Timeout | undefined;
  try {
    const judged = await Promise.race([
      check.run(context),
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`the workload did not finish within ${timeoutMs} ms`)), timeoutMs))),
    ]);
    const verdict: CheckVerdict = judged.verdict === 'valid' ? 'pass' : judged.verdict === 'invalid' ? 'fail' : 'unknown';
    return { ...base, verdict, reason: judged.unknowns.join('; '), anomalies: judged.anomalies, history: recorder.history, durationMs: Date.now() - started };
  } catch (error) {
    return { ...base, verdict: 'unknown', reason: `the workload stopped: ${(error as Error).message}`, anomalies: [], history: recorder.history, durationMs: Date.now() - started };
  } finally {
    clearTimeout(timer);
  }
}

function contextFor(client: KafkaClient, check: Check, recorder: Recorder, options: RunOptions): CheckContext {
  const slug = check.id.replace(/[^a-zA-Z0-9]+/g, '-');
  const name = (suffix: string) => `kspec-${options.runId}-${slug}-${suffix}`;
  const metadataOf = (topics: readonly string[] | null) => client.metadata(topics);
  let known: string[] = [];
  return {
    client,
    seed: options.seed,
    random: newRandom(options.seed, check.id),
    recorder,
    ...(options.processFaults === undefined ? {} : { processFaults: options.processFaults }),
    name,
    metadata: () => metadataOf(known),
    brokerIds: async () => [...(await metadataOf([])).brokers.keys()].sort((a, b) => a - b),
    topic: async (suffix, partitions) => {
      const topic = name(suffix);
      known = [...known, topic];
      return createTopic(client, topic, partitions);
    },
  };
}

/**
 * A topic for a workload: CreateTopics where the target offers it, else Metadata's automatic
 * creation (a broker with auto.create.topics.enable chooses the partition count; the workload
 * reads what it got). Waits until every partition has a leader.
 */
async function createTopic(client: KafkaClient, topic: string, partitions: number): Promise<TopicMetadata> {
  const brokers = (await client.metadata([])).brokers.size;
  if (client.versionFor(ApiKey.CreateTopics) !== undefined) {
    const { body } = await client.request<CreateTopicsResponseData>(-1, ApiKey.CreateTopics, {
      topics: [{ name: topic, numPartitions: partitions, replicationFactor: Math.min(3, brokers), assignments: [], configs: [] }], timeoutMs: 10_000,
    // The broker may take the request's own timeoutMs to answer; wait past it, as AdminClient's 30 s request timeout does.
    }, undefined, 15_000);
    const code = body.topics[0]?.errorCode ?? -1;
    if (code !== 0) throw new Error(`creating topic ${topic} failed: ${errorName(code)}`);
  }
  const deadline = Date.now() + TOPIC_READY_MS;
  let last: ClusterMetadata | undefined;
  while (Date.now() < deadline) {
    last = await client.metadata([topic], true);
    const found = last.topics.get(topic);
    if (hasLeaders(found) && (await everyBrokerKnows(client, topic, [...last.brokers.keys()]))) return found;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`topic ${topic} has no leader for every partition on every broker after ${TOPIC_READY_MS} ms`);
}

function hasLeaders(found: TopicMetadata | undefined): found is TopicMetadata {
  return found !== undefined && found.errorCode === 0 && found.partitions.length > 0 && found.partitions.every((p) => p.leaderId >= 0);
}

/**
 * Whether every broker's own metadata names the topic's leaders: a broker learns a new topic from
 * the metadata log after the controller answers CreateTopics, and one that has not yet answers a
 * Produce UNKNOWN_TOPIC_OR_PARTITION. Kafka's own tests wait the same way before they use a topic
 * (TestUtils.waitForAllPartitionsMetadata).
 */
async function everyBrokerKnows(client: KafkaClient, topic: string, brokers: readonly number[]): Promise<boolean> {
  for (const broker of brokers) {
    const found = (await client.metadata([topic], false, broker).catch(() => undefined))?.topics.get(topic);
    if (!hasLeaders(found)) return false;
  }
  return true;
}
