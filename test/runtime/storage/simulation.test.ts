/**
 * The node layer over disk storage: replication runs of the simulator with every node's storage
 * in a log directory, and every restart of a crashed node opening that directory afresh, as a
 * process killed and started again would (no close: the recovery path). The runs reach the same
 * verdicts and the same counts as with the simulator's in-memory storage.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as path from 'node:path';
import { ClusterSimulation } from '../../../src/sim/cluster/simulation.js';
import { clusterOptionsFromSeed, type ClusterOptions } from '../../../src/sim/cluster/options.js';
import type { TimedFault } from '../../../src/sim/faults.js';
import type { NodeStorage } from '../../../src/cluster/storage.js';
import type { LogConfig } from '../../../src/log/partition-log.js';
import type { PartitionAddress } from '../../../src/protocol/replication/messages.js';
import { diskStorage, type DiskStorage } from '../../../src/runtime/storage/index.js';
import { removeDir, tempDir } from './support.js';

/**
 * A node's storage that reopens its directory whenever the node boots again (a restart after a
 * crash or a power loss), without closing it: the recovery path of a killed process. The high
 * watermarks the crash wrote are checkpointed first, as Kafka's periodic checkpoint would have.
 */
function reopeningStorage(dir: string, logConfigFor: (address: PartitionAddress) => LogConfig, opened: DiskStorage[]): NodeStorage {
  const open = (): DiskStorage => {
    const storage = diskStorage(dir, logConfigFor, { fsync: false, nowMs: 0 });
    opened.push(storage);
    return storage;
  };
  let current = open();
  let booted = false;
  return {
    get metadataLog() {
      return current.metadataLog;
    },
    quorumState: {
      read() {
        if (booted) {
          current.checkpoint();
          current = open();
        }
        booted = true;
        return current.quorumState.read();
      },
      write: (state) => current.quorumState.write(state),
    },
    partitionLogs: {
      get: (key) => current.partitionLogs.get(key),
      open: (key, address, nowMs) => current.partitionLogs.open(key, address, nowMs),
      entries: () => current.partitionLogs.entries(),
    },
    highWatermarks: {
      read: (key) => current.highWatermarks.read(key),
      write: (key, highWatermark) => current.highWatermarks.write(key, highWatermark),
    },
  };
}

type Internals = { nodeParts(id: number): { storage: NodeStorage }; logConfigFor(address: PartitionAddress): LogConfig };

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach(removeDir));

/** A short run with frequent crashes: a seed's cluster, 2.5 s of faults, no consumer group (the simulator costs most of this test's time). */
function shortRun(seed: number): ClusterOptions {
  const options = clusterOptionsFromSeed(seed, { group: null, controllers: 1, brokers: 3 });
  return { ...options, topic: { ...options.topic, partitions: 1 }, safetyPhaseMs: 2_500, faults: { ...options.faults, meanIntervalMs: 400, crash: true, partition: false, pause: false, clockSkew: false, downtimeMaxMs: 1_000 } };
}

function runOnDisk(options: ClusterOptions, faults?: TimedFault[]): { result: ReturnType<ClusterSimulation['run']>; storages: DiskStorage[] } {
  const root = tempDir();
  dirs.push(root);
  const storages: DiskStorage[] = [];
  const prototype = ClusterSimulation.prototype as unknown as Internals;
  const original = prototype.nodeParts;
  prototype.nodeParts = function (this: Internals, id: number) {
    return { ...original.call(this, id), storage: reopeningStorage(path.join(root, `node-${id}`), (address) => this.logConfigFor(address), storages) };
  };
  try {
    return { result: new ClusterSimulation({ options, ...(faults === undefined ? {} : { faults }) }).run(), storages };
  } finally {
    prototype.nodeParts = original;
  }
}

describe('the simulator over disk storage', () => {
  // One seed in the suite; `npm run test:storage-sim` runs more (KSPEC_STORAGE_SIM_SEEDS=1,2,3).
  const seeds = (process.env['KSPEC_STORAGE_SIM_SEEDS'] ?? '7').split(',').map(Number);
  it.each(seeds)('seed %i: the same verdicts and counts as in memory, with every restart recovered from the files', (seed) => {
    const memory = new ClusterSimulation({ options: shortRun(seed) }).run();
    const { result: disk, storages } = runOnDisk(shortRun(seed));
    const summary = (r: typeof memory) => ({ violations: r.violations.map((v) => v.clauseId), produced: r.produced, consumed: r.consumedRecords, steps: r.steps, lost: r.allowedLostWrites.length });
    expect(summary(disk)).toEqual(summary(memory));
    expect(storages.length).toBeGreaterThan(memory.options.brokers + memory.options.controllers);
    for (const storage of storages) {
      expect(storage.recovery.partitions.every((p) => p.truncatedBytes === 0)).toBe(true);
      storage.close();
    }
  });

  it('power loss: each node loses what the model says it loses, and the files follow', () => {
    const options = { ...shortRun(5), flushMessages: 4, faults: { ...shortRun(5).faults, meanIntervalMs: 0 } };
    const faults: TimedFault[] = [
      { atMs: 1_200, fault: { kind: 'power-loss', node: 1 } },
      { atMs: 1_900, fault: { kind: 'restart', node: 1 } },
      { atMs: 2_100, fault: { kind: 'power-loss', node: 2 } },
      { atMs: 2_600, fault: { kind: 'restart', node: 2 } },
      { atMs: 2_700, fault: { kind: 'power-loss', node: 1 } },
      { atMs: 3_000, fault: { kind: 'restart', node: 1 } },
    ];
    const memory = new ClusterSimulation({ options, faults }).run();
    const { result: disk, storages } = runOnDisk(options, faults);
    const summary = (r: typeof memory) => ({ violations: r.violations.map((v) => v.clauseId), produced: r.produced, consumed: r.consumedRecords, steps: r.steps, lost: r.allowedLostWrites.length });
    expect(summary(disk)).toEqual(summary(memory));
    expect(storages.length).toBe(options.brokers + options.controllers + 3);
    for (const storage of storages) storage.close();
  });
});
