/**
 * A cluster of real `kspec node` processes for the multi-process tests: server.properties written
 * by clusterFiles on free ports, each node spawned as `node bin/kspec.js node --config`, killed
 * with SIGKILL and started again on the same log directory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bootstrapOf, clusterFiles, type ClusterLayout } from '../../src/runtime/cluster-files.js';
import { freePorts } from './socket-cluster.js';

const kspec = fileURLToPath(new URL('../../bin/kspec.js', import.meta.url));

export interface ProcessCluster {
  readonly bootstrap: string[];
  readonly dataDir: string;
  readonly controllerIds: number[];
  readonly brokerIds: number[];
  /** stderr of every node so far (for a failure's message). */
  readonly logs: Map<number, string>;
  start(id: number): Promise<void>;
  kill9(id: number): Promise<void>;
  /** The quorum's leader as the controllers' quorum-state files say (the highest epoch's leader), or -1. */
  activeController(): number;
  close(): Promise<void>;
}

export async function startProcessCluster(controllers: number, brokers: number, overrides: Record<string, string> = {}): Promise<ProcessCluster> {
  const ports = await freePorts(controllers + 2 * brokers);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kspec-procs-'));
  const layout: ClusterLayout = {
    controllers, brokers, host: '127.0.0.1', dataDir, overrides,
    ports: { controller: (i) => ports[i]!, client: (i) => ports[controllers + 2 * i]!, interBroker: (i) => ports[controllers + 2 * i + 1]! },
  };
  const files = new Map(clusterFiles(layout).map((f) => {
    const file = path.join(dataDir, `node-${f.nodeId}.properties`);
    fs.writeFileSync(file, f.properties);
    return [f.nodeId, file] as const;
  }));
  const children = new Map<number, ChildProcess>();
  const logs = new Map<number, string>();
  const start = (id: number): Promise<void> => {
    const child = spawn(process.execPath, [kspec, 'node', '--config', files.get(id)!], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.set(id, child);
    child.stderr!.on('data', (chunk: Buffer) => void logs.set(id, (logs.get(id) ?? '') + chunk.toString()));
    let out = '';
    return new Promise((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (/ up, cluster id /.test(out)) resolve();
      });
      child.once('exit', (code, signal) => reject(new Error(`kspec node ${id} exited (${code ?? signal}) before it was up:\n${out}\n${logs.get(id) ?? ''}`)));
    });
  };
  const ids = [...files.keys()];
  await Promise.all(ids.map(start));
  const controllerIds = ids.filter((id) => id > 100);
  return {
    bootstrap: bootstrapOf(layout).split(','), dataDir, controllerIds, brokerIds: ids.filter((id) => id <= 100), logs,
    start,
    kill9: (id) => new Promise((resolve) => {
      const child = children.get(id);
      if (child === undefined || child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    }),
    activeController: () => {
      let best = { epoch: -1, leader: -1 };
      for (const id of controllerIds) {
        try {
          const state = JSON.parse(fs.readFileSync(path.join(dataDir, `node-${id}`, '__cluster_metadata-0', 'quorum-state'), 'utf8').split('\n')[0]!) as { leaderId: number; leaderEpoch: number };
          if (state.leaderEpoch > best.epoch && state.leaderId >= 0) best = { epoch: state.leaderEpoch, leader: state.leaderId };
        } catch {
          // Not written yet.
        }
      }
      return best.leader;
    },
    close: async () => {
      await Promise.all([...children.values()].map((child) => new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      })));
      if (process.env['KSPEC_KEEP'] === undefined) fs.rmSync(dataDir, { recursive: true, force: true });
      else for (const [id, text] of logs) fs.writeFileSync(path.join(dataDir, `node-${id}.stderr`), text);
    },
  };
}
