/**
 * `kspec node --config server.properties`: one node of a cluster that spans processes (and
 * hosts), configured with Kafka's own keys (docs/live.md has a sample). A controller serves the
 * quorum and the controller's APIs on its controller listener; a broker serves clients on its
 * client listener and replication on its inter-broker listener. Ctrl-C (or SIGTERM) closes the
 * listeners, flushes the log and writes the checkpoints; kill -9 leaves what recovery repairs.
 */
import * as fs from 'node:fs';
import type { Command } from 'commander';
import { parse as parseProperties } from 'dot-properties';
import { UsageError } from '../args.js';
import { findVariant } from '../../variants.js';
import { ConfigError } from '../../runtime/config.js';
import { clusterIdOf } from '../../runtime/node-storage.js';
import { startNodeProcess, type NodeProcess } from '../../runtime/node-process.js';
import { defaultNodeTransportConfig } from '../../runtime/node-transport.js';
import { parseServerProperties, type ServerProperties } from '../../runtime/server-properties.js';
import { StorageFormatError } from '../../runtime/storage/index.js';

interface NodeOptions {
  config: string;
  clusterId?: string;
  variant: string;
}

export function registerNodeCommand(root: Command, setExitCode: (code: number) => void): void {
  root.command('node')
    .description('run one node (a controller or a broker) of a cluster across processes, configured by a server.properties with Kafka\'s keys')
    .requiredOption('--config <file>', 'server.properties (process.roles, node.id, controller.quorum.voters, listeners, log.dirs, ...)')
    .option('--cluster-id <id>', 'the cluster id for a log directory not formatted yet (kafka-storage.sh format -t); default: derived from controller.quorum.voters')
    .option('--variant <name>', 'serve a protocol variant (kspec variants)', 'kraft')
    .action(async (options: NodeOptions) => setExitCode(await runNode(options)));
}

function readConfig(file: string): ServerProperties {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read --config ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  try {
    return parseServerProperties(parseProperties(text) as Record<string, string>);
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(`${file}: ${error.message}`);
    throw error;
  }
}

/** meta.properties' cluster id when the directory was formatted; else --cluster-id, else the one derived from the voters. */
function clusterIdFor(props: ServerProperties, given: string | undefined): string {
  let formatted: string | undefined;
  try {
    const found = clusterIdOf([props.logDir]);
    formatted = fs.existsSync(`${props.logDir}/meta.properties`) ? found : undefined;
  } catch (error) {
    if (error instanceof StorageFormatError) throw new UsageError(`log.dirs ${props.logDir}: ${error.message}`);
    throw error;
  }
  if (given !== undefined && !/^[A-Za-z0-9_-]{22}$/.test(given)) throw new UsageError(`--cluster-id ${given} is not a Uuid (22 characters of URL-safe base64)`);
  if (formatted !== undefined && given !== undefined && formatted !== given) throw new UsageError(`log.dirs ${props.logDir} belongs to cluster ${formatted}, not --cluster-id ${given}`);
  return formatted ?? given ?? props.defaultClusterId;
}

async function runNode(options: NodeOptions): Promise<number> {
  findVariant(options.variant);
  const props = readConfig(options.config);
  for (const key of props.unused) console.error(`kspec node: ignoring config '${key}' (not used by kspec)`);
  const clusterId = clusterIdFor(props, options.clusterId);
  const log = (line: string): void => console.error(`kspec node ${props.nodeId}: ${line}`);
  let node: NodeProcess;
  try {
    node = await startNodeProcess({
      ...props, clusterId, config: props.config, transport: { ...defaultNodeTransportConfig, socketRequestMaxBytes: props.config.listener.socketRequestMaxBytes },
      variant: options.variant, log,
    });
  } catch (error) {
    if (error instanceof StorageFormatError) throw new UsageError(`log.dirs ${props.logDir}: ${error.message}`);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') throw new UsageError(`cannot listen: ${(error as Error).message}`);
    throw error;
  }
  const stopped = new Promise<void>((resolve) => {
    const stop = (): void => void node.close().then(resolve);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  console.log(`kspec node ${props.nodeId} (${props.role}) up, cluster id ${clusterId}, log.dirs ${props.logDir}`);
  console.log(`${props.role === 'controller' ? 'controller' : 'inter-broker'} listener: ${props.nodeListener.host}:${node.nodePort}`);
  if (node.clientPort !== undefined) console.log(`client listener: ${props.clientListener?.host ?? ''}:${node.clientPort}`);
  await stopped;
  console.log(`kspec node ${props.nodeId} stopped.`);
  return 0;
}
