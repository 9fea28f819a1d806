/**
 * The real clients `kspec conform --client` can judge, each a workload script under scripts/
 * (one JSON line per event on stdout) and the way to find out whether it can run here.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../repo-root.js';

export const CLIENT_NAMES = ['kafkajs', 'librdkafka', 'kafka-python'] as const;
export type ClientName = (typeof CLIENT_NAMES)[number];

export interface ClientSpec {
  readonly name: string;
  /** What runs: the library and how. */
  readonly title: string;
  /** Why it cannot run here, or null. */
  unavailableReason(): string | null;
  /** The command and its arguments for one run of the workload. */
  command(args: readonly string[]): [string, string[]];
  /** Uses the idempotent producer (else CLIENT-SEQ-1 is not applicable). */
  readonly idempotent: boolean;
  /** Reports ConsumerRebalanceListener-style callbacks, assigned and revoked (else CLIENT-REBALANCE-1 is not applicable). */
  readonly rebalanceCallbacks: boolean;
}

const PYTHON = '/usr/bin/python3';
const script = (name: string) => join(repoRoot(), 'src', 'conformance', 'clients', 'scripts', name);

function works(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore', timeout: 15_000 });
    return true;
  } catch {
    return false;
  }
}

export const clientSpecs: Record<ClientName, ClientSpec> = {
  kafkajs: {
    name: 'kafkajs',
    title: 'kafkajs (npm), idempotent producer, consumer group',
    unavailableReason: () => (existsSync(join(repoRoot(), 'node_modules', 'kafkajs', 'package.json')) ? null : 'kafkajs is not installed (npm ci installs it)'),
    command: (args) => [process.execPath, [script('kafkajs_workload.mjs'), ...args]],
    idempotent: true,
    // kafkajs reports GROUP_JOIN only: it has no revoke callback.
    rebalanceCallbacks: false,
  },
  librdkafka: {
    name: 'librdkafka',
    title: 'librdkafka through confluent-kafka-python (/usr/bin/python3, python3-confluent-kafka)',
    unavailableReason: () => (works(PYTHON, ['-c', 'import confluent_kafka']) ? null : `${PYTHON} cannot import confluent_kafka (apt-get install python3-confluent-kafka)`),
    command: (args) => [PYTHON, [script('confluent_workload.py'), ...args]],
    idempotent: true,
    rebalanceCallbacks: true,
  },
  'kafka-python': {
    name: 'kafka-python',
    title: 'kafka-python (/usr/bin/python3, python3-kafka), acks=all without idempotence (it has none)',
    unavailableReason: () => (works(PYTHON, ['-c', 'import kafka']) ? null : `${PYTHON} cannot import kafka (apt-get install python3-kafka)`),
    command: (args) => [PYTHON, [script('kafka_python_workload.py'), ...args]],
    idempotent: false,
    rebalanceCallbacks: true,
  },
};
