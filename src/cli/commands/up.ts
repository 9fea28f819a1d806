/**
 * `kspec up`: a live cluster in this process that real Kafka clients use (1 controller and 3
 * brokers on 127.0.0.1:9092-9094 by default), every node's data on disk under
 * `<data-dir>/node-<id>` (a new temporary directory unless --data-dir). Prints the bootstrap
 * servers, the cluster id and a client example; Ctrl-C (or SIGTERM) closes the listeners, flushes
 * the logs, writes the checkpoints and exits 0. Started again on the same --data-dir, it serves the
 * same records under the same cluster id.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Command } from 'commander';
import { UsageError, integerIn } from '../args.js';
import { findVariant } from '../../variants.js';
import { ClusterClosedError, startLiveCluster, type LiveCluster } from '../../runtime/cluster.js';
import { StorageFormatError } from '../../runtime/storage/index.js';
import { ConfigError, liveConfig, overridableKeys, type LiveConfig } from '../../runtime/config.js';
import { checkLive } from '../../runtime/live-check.js';

interface UpOptions {
  brokers: number;
  controllers: number;
  host: string;
  port: number;
  override: string[];
  variant: string;
  check: boolean;
  dataDir?: string;
}

export function registerUpCommand(root: Command, setExitCode: (code: number) => void): void {
  root.command('up')
    .description('start a live cluster that real Kafka clients can use (kcat, kafkajs, librdkafka, kafka-python); Ctrl-C stops it')
    .option('--brokers <n>', 'number of brokers', integerIn(1, 32), 3)
    .option('--controllers <n>', 'number of KRaft controllers', integerIn(1, 9), 1)
    .option('--host <host>', 'the address every listener binds and advertises', '127.0.0.1')
    .option('--port <port>', 'the first broker\'s port; the others follow it (0: ephemeral ports)', integerIn(0, 65_535), 9092)
    .option('--override <key=value>', `a broker config by Kafka's name, repeatable (${overridableKeys.join(', ')})`, (value: string, all: string[]) => [...all, value], [] as string[])
    .option('--data-dir <dir>', 'where the nodes keep their data (node-<id>/ each, Kafka\'s log.dirs layout); reused on restart (default: a new temporary directory)')
    .option('--variant <name>', 'serve a protocol variant (kspec variants): a cluster wrong in a known way', 'kraft')
    .option('--check', 'evaluate the spec\'s per-step group clauses after every message; report each violation in one line on stderr (the cluster keeps running)', false)
    .action(async (options: UpOptions) => setExitCode(await up(options)));
}

async function up(options: UpOptions): Promise<number> {
  findVariant(options.variant);
  let config: LiveConfig;
  try {
    config = liveConfig(options.override);
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
  if (options.port !== 0 && options.port + options.brokers - 1 > 65_535) throw new UsageError(`ports ${options.port}..${options.port + options.brokers - 1} do not fit below 65536`);
  const dataDir = dataDirOf(options.dataDir);
  let cluster: LiveCluster;
  try {
    cluster = await startLiveCluster({ ...options, config, dataDir, log: (line) => console.error(`kspec up: ${line}`) });
  } catch (error) {
    if (error instanceof StorageFormatError) throw new UsageError(`cannot use --data-dir ${dataDir}: ${error.message}`);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') throw new UsageError(`cannot listen on ${options.host}: ${(error as Error).message}`);
    throw error;
  }
  if (options.check) checkLive(cluster, (v) => console.error(`kspec up --check: ${v.clauseId} violated after ${v.cause}: ${v.message}`));
  const stopped = new Promise<void>((resolve) => {
    const stop = (): void => void cluster.close().then(resolve);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  let interrupted = false;
  await Promise.race([cluster.ready(), stopped.then(() => void (interrupted = true))]).catch((error: unknown) => {
    // Interrupted while starting: ready() gives up once the cluster is closed.
    if (!(error instanceof ClusterClosedError)) throw error;
    interrupted = true;
  });
  if (interrupted) await stopped;
  if (interrupted) {
    console.log('kspec cluster stopped before it was ready.');
    return 0;
  }
  const first = cluster.brokers[0]!;
  console.log(`kspec cluster up: ${options.brokers} broker(s), ${options.controllers} controller(s), variant ${options.variant}`);
  console.log(`cluster id: ${cluster.clusterId}`);
  if (options.check) console.log('checking the per-step group clauses after every message (violations on stderr)');
  console.log(`data dir: ${dataDir}`);
  console.log(`bootstrap servers: ${cluster.bootstrapServers}`);
  console.log(`try: echo hello | kcat -P -b ${first.host}:${first.port} -t greetings && kcat -C -b ${first.host}:${first.port} -t greetings -o beginning -e`);
  console.log('Ctrl-C stops the cluster.');
  await stopped;
  console.log('kspec cluster stopped.');
  return 0;
}

/** The data directory: the one given (created if missing; a file there is bad usage), or a new temporary one. */
function dataDirOf(given: string | undefined): string {
  if (given === undefined) return fs.mkdtempSync(path.join(os.tmpdir(), 'kspec-up-'));
  const dir = path.resolve(given);
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new UsageError(`cannot use --data-dir ${given}: ${(error as Error).message}`);
  }
  if (!fs.statSync(dir).isDirectory()) throw new UsageError(`--data-dir ${given} is not a directory`);
  return dir;
}
