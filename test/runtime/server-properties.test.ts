/**
 * server.properties for `kspec node` (src/runtime/server-properties.ts): Kafka's keys read into a
 * node's listeners, voters, log directory and broker configs; a bad value is one ConfigError.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'dot-properties';
import { parseServerProperties } from '../../src/runtime/server-properties.js';
import { ConfigError } from '../../src/runtime/config.js';
import { clusterFiles, portsFrom } from '../../src/runtime/cluster-files.js';

const broker = `
process.roles=broker
node.id=2
controller.quorum.voters=101@10.0.0.1:9093,102@10.0.0.2:9093
listeners=PLAINTEXT://:9092,REPLICATION://10.0.0.5:19092
advertised.listeners=PLAINTEXT://kafka-2.example:9092,REPLICATION://10.0.0.5:19092
controller.listener.names=CONTROLLER
inter.broker.listener.name=REPLICATION
log.dirs=/var/lib/kspec/node-2
num.partitions=3
min.insync.replicas=2
log.retention.hours=1
num.network.threads=8
`;

const read = (text: string) => parseServerProperties(parse(text) as Record<string, string>);

describe('server.properties for kspec node', () => {
  it('reads a broker: its listeners bound and advertised, the voters, its log directory and its broker configs', () => {
    const props = read(broker);
    expect(props).toMatchObject({ nodeId: 2, role: 'broker', logDir: '/var/lib/kspec/node-2' });
    expect(props.clientListener).toEqual({ name: 'PLAINTEXT', host: '0.0.0.0', port: 9092 });
    expect(props.nodeListener).toEqual({ name: 'REPLICATION', host: '10.0.0.5', port: 19092 });
    expect([...props.voters]).toEqual([[101, { host: '10.0.0.1', port: 9093 }], [102, { host: '10.0.0.2', port: 9093 }]]);
    expect(props.brokers.get(2)?.client).toMatchObject({ host: 'kafka-2.example', port: 9092 });
    expect(props.config.gateway.numPartitions).toBe(3);
    expect(props.config.broker.minInsyncReplicas).toBe(2);
    expect(props.config.log.retentionMs).toBe(3_600_000);
    expect(props.unused).toEqual(['num.network.threads']);
  });

  it('derives the same default cluster id on every node from the voters, and a different one for other voters', () => {
    const files = clusterFiles({ controllers: 3, brokers: 3, host: '127.0.0.1', ports: portsFrom(30_000), dataDir: '/d' });
    const ids = new Set(files.map((f) => read(f.properties).defaultClusterId));
    expect(ids.size).toBe(1);
    const other = clusterFiles({ controllers: 3, brokers: 3, host: '127.0.0.1', ports: portsFrom(31_000), dataDir: '/d' });
    expect(read(other[0]!.properties).defaultClusterId).not.toBe([...ids][0]);
    expect([...ids][0]).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('reads what clusterFiles writes: controllers on their controller listener, brokers knowing every broker', () => {
    const files = clusterFiles({ controllers: 1, brokers: 2, host: '127.0.0.1', ports: portsFrom(40_000), dataDir: '/d', overrides: { 'offsets.topic.num.partitions': '2' } });
    const controller = read(files[0]!.properties);
    expect(controller).toMatchObject({ nodeId: 101, role: 'controller', nodeListener: { port: 40_200 }, logDir: '/d/node-101' });
    const b = read(files[2]!.properties);
    expect(b.brokers.get(1)).toMatchObject({ client: { port: 40_000 }, interBroker: { port: 40_100 } });
    expect(b.config.broker.offsetsTopicNumPartitions).toBe(2);
  });

  const refused: [string, string, RegExp][] = [
    ['process.roles', 'broker,controller', /one role per process/],
    ['node.id', 'two', /node.id: 'two' is not an integer/],
    ['controller.quorum.voters', '101@host', /is not id@host:port/],
    ['listeners', 'PLAINTEXT://:9092,REPLICATION://:19092,OTHER://:9095', /exactly one client listener/],
    ['inter.broker.listener.name', 'INTERNAL', /INTERNAL is not among the listeners/],
    ['min.insync.replicas', '0', /min.insync.replicas: 0 is below 1/],
    ['auto.create.topics.enable', 'yes', /is not true or false/],
    ['log.dirs', '/a,/b', /one directory/],
    ['unclean.leader.election.enable', 'true', /only false/],
  ];
  it.each(refused)('refuses %s=%s in one line', (key, value, message) => {
    const text = broker.split('\n').filter((l) => !l.startsWith(`${key}=`)).join('\n') + `\n${key}=${value}\n`;
    expect(() => read(text)).toThrow(ConfigError);
    expect(() => read(text)).toThrow(message);
  });

  it('refuses a missing required key', () => {
    expect(() => read(broker.replace(/^controller.quorum.voters=.*$/m, ''))).toThrow('controller.quorum.voters: required');
  });
});
