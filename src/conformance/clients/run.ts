/**
 * Client conformance: a real client's workload against a kspec live cluster started in this
 * process for the run. Every broker's gateway carries a tap that records what the client sent
 * (and Kafka's answers) and loses some answers on purpose (a seeded fault plan: produce and
 * commit responses); the client's own report (its stdout lines) joins the same history; after the
 * run the topic is read back. Then spec/conformance/clients.ts judges the history, one check per
 * client clause, reported with the suite's reporters.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Judgement } from '../../../spec/conformance/checkers.js';
import type { History, Json } from '../../../spec/conformance/history.js';
import {
  ClientAcknowledgedWrites, ClientCommitsOwned, ClientRebalanceCallbacks, ClientResumes, ClientSequences,
  checkClientAcknowledgedWrites, checkClientCommits, checkClientRebalanceCallbacks, checkClientResumes, checkClientSequences,
} from '../../../spec/conformance/clients.js';
import type { Clause } from '../../../spec/clause.js';
import { ApiKey, KafkaClient } from '../../client/index.js';
import type { CreateTopicsResponseData } from '../../protocol/wire/generated/CreateTopicsResponse.js';
import { errorName } from '../../protocol/errors.js';
import { type LiveCluster, startLiveCluster } from '../../runtime/cluster.js';
import { liveConfig } from '../../runtime/config.js';
import { newRandom } from '../check.js';
import type { CheckResult, SuiteRun } from '../run.js';
import { type ClientSpec } from './clients.js';
import { ClientRecorder, type FaultPlan, noFaults } from './recording.js';
import { readTopic } from './read-back.js';
import { forceRebalance, rebalanceNotices } from './rebalancer.js';

export interface ClientRunOptions {
  readonly client: ClientSpec;
  readonly seed: number;
  /** Lose answers (seeded): the second idempotent produce and about one in ten after it (at most 4), and the first commit. */
  readonly faults: boolean;
  readonly records?: number;
  readonly partitions?: number;
  /** The whole client run (all its phases) must end within this. */
  readonly timeoutMs?: number;
  readonly log?: (line: string) => void;
}

interface ClientCheck {
  readonly id: string;
  readonly clause: Clause;
  judge(history: History): Judgement;
  /** Why this client cannot be judged by it, or null. */
  inapplicable(client: ClientSpec): string | null;
}

export const clientChecks: readonly ClientCheck[] = [
  { id: 'clients/idempotent-sequences', clause: ClientSequences, judge: (h) => checkClientSequences(h), inapplicable: (c) => (c.idempotent ? null : `${c.name} has no idempotent producer`) },
  { id: 'clients/acknowledged-writes', clause: ClientAcknowledgedWrites, judge: (h) => checkClientAcknowledgedWrites(h), inapplicable: () => null },
  { id: 'clients/commits-owned', clause: ClientCommitsOwned, judge: (h) => checkClientCommits(h), inapplicable: () => null },
  { id: 'clients/resume-from-committed', clause: ClientResumes, judge: (h) => checkClientResumes(h), inapplicable: () => null },
  { id: 'clients/rebalance-callbacks', clause: ClientRebalanceCallbacks, judge: (h) => checkClientRebalanceCallbacks(h), inapplicable: (c) => (c.rebalanceCallbacks ? null : `${c.name} reports no revoke callback (ConsumerRebalanceListener)`) },
];

const MAX_LOST_PRODUCE_RESPONSES = 4;
/**
 * An outage of one partition's leader: from a produce request drawn from the seed among the 3rd to
 * the 5th, the answers to that partition's next produce requests are lost, this many of them. A
 * client whose retries run out meanwhile fails that send; the workload moves on to its next
 * values, as an application that logs the error does.
 * The batch is in the log all the same, so the client must not give its sequence numbers to other
 * records (the Java producer never does: it retries the batch until delivery.timeout.ms, then
 * bumps the epoch, KIP-360).
 */
const OUTAGE_LENGTH = 4;

/** The seeded faults: which answers are lost, decided per request in arrival order. */
export function seededFaults(seed: number): FaultPlan {
  const random = newRandom(seed, 'client-faults');
  const outageFrom = random.int(3, 5);
  let outage: { partition: string; left: number } | undefined;
  let produces = 0;
  let lost = 0;
  let commits = 0;
  return {
    fate(f, value) {
      if (f === 'broker:produce' && (value as { producerId: number; acks: number }).acks !== 0) {
        produces++;
        const partition = (value as { partition: string }).partition;
        if (produces === outageFrom) outage = { partition, left: OUTAGE_LENGTH };
        if (outage !== undefined && outage.left > 0 && outage.partition === partition) {
          outage.left--;
          return 'lose-response';
        }
        const lose = produces === 2 || (produces > 2 && random.int(0, 9) === 0);
        if (lose && lost < MAX_LOST_PRODUCE_RESPONSES) {
          lost++;
          return 'lose-response';
        }
      }
      if (f === 'broker:offset-commit' && (value as { generationId: number }).generationId >= 0 && ++commits === 1) return 'lose-response';
      return 'deliver';
    },
  };
}

export async function startClientCluster(log: (line: string) => void): Promise<LiveCluster> {
  const cluster = await startLiveCluster({
    brokers: 3, controllers: 1, host: '127.0.0.1', port: 0, variant: 'kraft', log,
    config: liveConfig(['offsets.topic.num.partitions=3', 'group.initial.rebalance.delay.ms=0', 'group.min.session.timeout.ms=1000']),
  });
  await cluster.ready(30_000);
  return cluster;
}

export async function runClientConformance(options: ClientRunOptions): Promise<SuiteRun> {
  const started = Date.now();
  const target = `client:${options.client.name}`;
  const runId = `${options.client.name.replace(/[^a-z0-9]/g, '')}${options.seed}`;
  const base = { target, seed: options.seed, runId, apiVersionsVersion: 3, startedAt: new Date(started).toISOString() };
  const reason = options.client.unavailableReason();
  if (reason !== null) {
    return { ...base, apiVersions: [], durationMs: 0, results: clientChecks.map((c) => result(c, 'not-applicable', `skipped: ${reason}`, undefined, [], 0)) };
  }
  const log = options.log ?? (() => {});
  const cluster = await startClientCluster(log);
  const recorder = new ClientRecorder();
  try {
    const client = await KafkaClient.connect(cluster.brokers.map((b) => ({ host: b.host, port: b.port })));
    try {
      const topic = `conform-${runId}`;
      const partitions = options.partitions ?? 3;
      await prepare(client, topic, partitions);
      const plan = options.faults ? seededFaults(options.seed) : noFaults;
      for (const broker of cluster.brokers) broker.gateway.tap = recorder.tap(plan);
      const [command, args] = options.client.command([cluster.bootstrapServers, topic, `${topic}-group`, String(options.records ?? 60), String(partitions)]);
      let finished = false;
      const rebalance = options.faults ? forceRebalance(client, () => recorder.history, topic, partitions, options.seed, () => finished).catch((error: unknown) => ({ joins: 0, left: false, skipped: (error as Error).message })) : undefined;
      const exit = await runScript(command, args, options.timeoutMs ?? 90_000, (line) => clientLine(recorder, line));
      finished = true;
      const forced = await rebalance;
      for (const broker of cluster.brokers) broker.gateway.tap = undefined;
      await readTopic(client, topic, partitions, recorder);
      const history = recorder.history;
      const results = clientChecks.map((check) => {
        const inapplicable = check.inapplicable(options.client);
        if (inapplicable !== null) return result(check, 'not-applicable', inapplicable, undefined, [], 0);
        const judged = check.judge(history);
        // A client that did not finish its workload (killed at the deadline, or crashed) proves nothing by what it did so far.
        const verdict = judged.verdict === 'invalid' ? 'fail' : judged.verdict === 'valid' && exit.code === 0 ? 'pass' : 'unknown';
        const lastError = exit.stderr.trim().split('\n').at(-1) ?? '';
        const why = [exit.code === 0 ? '' : `the client exited ${exit.code}${lastError === '' ? '' : ` (${lastError})`}`, ...judged.unknowns].filter((s) => s !== '').join('; ');
        return result(check, verdict, why, judged, history, Date.now() - started);
      });
      const rebalances = forced === undefined ? undefined : { ...forced, rebalanceInProgressAnswers: rebalanceNotices(history) };
      return { ...base, apiVersions: client.apiVersions, durationMs: Date.now() - started, results, faultsInjected: recorder.lostResponses, ...(rebalances === undefined ? {} : { rebalances }) } as SuiteRun;
    } finally {
      client.close();
    }
  } finally {
    await cluster.close();
  }
}

function result(check: ClientCheck, verdict: CheckResult['verdict'], reason: string, judged: Judgement | undefined, history: History, durationMs: number): CheckResult {
  return {
    id: check.id, suite: 'clients', title: check.clause.title, clauses: [check.clause.id], needs: [], verdict, reason,
    anomalies: judged?.anomalies ?? [], history, durationMs,
  };
}

/** The workload's topic, and a coordinator ready for its group (the first FindCoordinator creates __consumer_offsets). */
async function prepare(client: KafkaClient, topic: string, partitions: number): Promise<void> {
  const { body } = await client.request<CreateTopicsResponseData>(-1, ApiKey.CreateTopics, { topics: [{ name: topic, numPartitions: partitions, replicationFactor: 3, assignments: [], configs: [] }], timeoutMs: 10_000 });
  const code = body.topics[0]?.errorCode ?? -1;
  if (code !== 0) throw new Error(`creating ${topic}: ${errorName(code)}`);
  for (let i = 0; i < 200; i++) {
    const metadata = await client.metadata([topic]);
    const ready = metadata.topics.get(topic)?.partitions.every((p) => p.leaderId >= 0) === true;
    if (ready && (await client.findCoordinator(`${topic}-group`)).errorCode === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${topic}: no leaders or no coordinator after 10 s`);
}

const CLIENT_EVENTS = new Set(['ack', 'consumed', 'assigned', 'revoked', 'committed', 'commit-failed', 'send-failed', 'flush-timeout', 'done']);

/** One line of the client's report: a JSON event becomes a `client:<event>` operation; anything else is ignored. */
export function clientLine(recorder: ClientRecorder, line: string): void {
  let event: { event?: unknown } & Record<string, Json>;
  try {
    event = JSON.parse(line) as typeof event;
  } catch {
    return;
  }
  if (typeof event.event !== 'string' || !CLIENT_EVENTS.has(event.event)) return;
  const { event: name, ...value } = event;
  recorder.record(0, `client:${name as string}`, value, { type: 'ok', value });
}

/** Runs the client; resolves with its exit code (-1 when it had to be killed at the deadline) and the end of its stderr. */
function runScript(command: string, args: string[], timeoutMs: number, onLine: (line: string) => void): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    createInterface({ input: child.stdout }).on('line', onLine);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => void (stderr = (stderr + chunk.toString()).slice(-2000)));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stderr });
    });
  });
}
