/**
 * librdkafka's mock cluster as a target: builds tools/mockcluster/kspec-mock.c (with
 * tools/mockcluster/build.sh) into a temporary folder and starts it on ports the kernel picks.
 * It is the one Kafka-speaking broker written by others that runs here; where it and Kafka
 * disagree, Kafka's source decides (docs/conformance/librdkafka-mock.md).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { repoRoot } from '../repo-root.js';

const BUILD_SCRIPT = join(repoRoot(), 'tools', 'mockcluster', 'build.sh');

/** Why the mock cannot be built here, or null when it can. */
export function mockUnavailableReason(): string | null {
  if (!existsSync(BUILD_SCRIPT)) return `${BUILD_SCRIPT} is missing`;
  if (spawnSync('pkg-config', ['--exists', 'rdkafka']).status !== 0) return 'librdkafka-dev (pkg-config rdkafka) is not installed';
  if (spawnSync('sh', ['-c', 'command -v ${CC:-cc}']).status !== 0) return 'no C compiler (cc) is installed';
  return null;
}

let built: string | undefined;

/** Builds the launcher once per process; throws with the compiler's message when it fails. */
export function buildMock(): string {
  if (built !== undefined && existsSync(built)) return built;
  const binary = join(mkdtempSync(join(tmpdir(), 'kspec-mock-')), 'kspec-mock');
  const result = spawnSync('sh', [BUILD_SCRIPT, binary], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`building the mock cluster failed: ${result.stderr.trim()}`);
  built = binary;
  return binary;
}

export interface MockCluster {
  /** kafka://host:port,... of every broker. */
  readonly target: string;
  readonly brokers: readonly { id: number; host: string; port: number }[];
  /** One control line (see kspec-mock.c), answered "ok" or "err ...". */
  control(command: string): Promise<string>;
  stop(): Promise<void>;
}

export interface MockOptions {
  readonly brokers?: number;
  /** NAME:PARTITIONS:RF */
  readonly topics?: readonly string[];
  readonly startTimeoutMs?: number;
}

export async function startMock(options: MockOptions = {}): Promise<MockCluster> {
  const binary = buildMock();
  const args = ['-c', ...(options.topics ?? []).flatMap((t) => ['-t', t]), String(options.brokers ?? 3)];
  const child: ChildProcess = spawn(binary, args, { stdio: ['pipe', 'pipe', process.env['KSPEC_MOCK_STDERR'] === '1' ? 'inherit' : 'ignore'] });
  const lines = createInterface({ input: child.stdout! });
  const brokers: { id: number; host: string; port: number }[] = [];
  const answers: ((line: string) => void)[] = [];
  let ready = false;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the mock cluster did not start in time')), options.startTimeoutMs ?? 10_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the mock cluster exited (${code}) before it was ready`));
    });
    lines.on('line', (line) => {
      if (ready) return void answers.shift()?.(line);
      const broker = /^broker (\d+) (.+):(\d+)$/.exec(line);
      if (broker !== null) brokers.push({ id: Number(broker[1]), host: broker[2]!, port: Number(broker[3]) });
      if (line === 'ready') {
        ready = true;
        clearTimeout(timer);
        resolve();
      }
    });
  });
  child.removeAllListeners('exit');
  return {
    target: `kafka://${brokers.map((b) => `${b.host}:${b.port}`).join(',')}`,
    brokers,
    control: (command) =>
      new Promise((resolve) => {
        answers.push(resolve);
        child.stdin!.write(`${command}\n`);
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
