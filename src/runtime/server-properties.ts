/**
 * server.properties for `kspec node`: Kafka's own keys for one KRaft node (KafkaConfig, KRaftConfigs,
 * SocketServerConfigs, QuorumConfig), read into what the node process takes. Bad values are one
 * ConfigError line; keys kspec does not know are returned to be warned about, as Kafka logs
 * "These configurations ... were supplied but are not used yet".
 *
 * One thing Kafka's registration carries that the model's metadata does not yet: each broker's
 * advertised listeners. Until it does, every node is told them in its own file, one key per
 * broker: `kspec.broker.advertised.listeners.<id>` with advertised.listeners' syntax.
 */
import { createHash } from 'node:crypto';
import { ConfigError, liveConfig, overridableKeys } from './config.js';
import type { BrokerAddresses, NodeProcessOptions } from './node-process.js';
import type { PeerAddress } from './node-transport.js';

/** A node's options as server.properties gives them (the cluster id is the log directory's, or this default). */
export interface ServerProperties extends Pick<NodeProcessOptions, 'nodeId' | 'role' | 'voters' | 'brokers' | 'nodeListener' | 'clientListener' | 'logDir' | 'config'> {
  /** A cluster id for a log directory never formatted: derived from controller.quorum.voters, so every node of the cluster agrees. */
  readonly defaultClusterId: string;
  /** Keys kspec ignores (warned about, not fatal). */
  readonly unused: readonly string[];
}

/** Keys read here, beyond the broker configs of config.ts. */
const NODE_KEYS = new Set([
  'process.roles', 'node.id', 'controller.quorum.voters', 'listeners', 'advertised.listeners', 'controller.listener.names',
  'inter.broker.listener.name', 'listener.security.protocol.map', 'log.dirs', 'log.dir', 'log.retention.hours', 'log.retention.minutes',
  'unclean.leader.election.enable',
]);
const BROKER_LISTENERS_PREFIX = 'kspec.broker.advertised.listeners.';
/** KafkaConfig's default log.dir. */
const DEFAULT_LOG_DIR = '/tmp/kafka-logs';
/** ReplicationConfigs: inter.broker.listener.name defaults to the listener of security.inter.broker.protocol, PLAINTEXT. */
const DEFAULT_INTER_BROKER_LISTENER = 'PLAINTEXT';

interface Listener {
  readonly name: string;
  readonly host: string;
  readonly port: number;
}

export function parseServerProperties(props: Readonly<Record<string, string>>): ServerProperties {
  const get = (key: string): string | undefined => props[key]?.trim();
  const role = rolesOf(get('process.roles'));
  const nodeId = integer('node.id', required(get('node.id'), 'node.id'), 0);
  const votersText = required(get('controller.quorum.voters'), 'controller.quorum.voters');
  const voters = votersOf(votersText);
  const listeners = listenersOf('listeners', required(get('listeners'), 'listeners'));
  const controllerNames = (get('controller.listener.names') ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (controllerNames.length === 0) throw new ConfigError('controller.listener.names: required (the name of the controller listener, e.g. CONTROLLER)');
  const brokers = brokersOf(props);
  let nodeListener: Listener;
  let clientListener: Listener | undefined;
  if (role === 'controller') {
    nodeListener = named(listeners, controllerNames[0] as string, 'controller.listener.names');
    if (!voters.has(nodeId)) throw new ConfigError(`node.id ${nodeId} is a controller but not in controller.quorum.voters (${votersText})`);
  } else {
    const interBroker = get('inter.broker.listener.name') ?? DEFAULT_INTER_BROKER_LISTENER;
    nodeListener = named(listeners, interBroker, 'inter.broker.listener.name');
    const clients = listeners.filter((l) => l.name !== interBroker && !controllerNames.includes(l.name));
    if (clients.length !== 1) throw new ConfigError(`listeners: a broker needs exactly one client listener besides inter.broker.listener.name ${interBroker} (kspec serves replication on a listener of its own), got ${clients.length}`);
    clientListener = clients[0];
    if (voters.has(nodeId)) throw new ConfigError(`node.id ${nodeId} is in controller.quorum.voters but process.roles is broker`);
    if (!brokers.has(nodeId)) {
      // This broker's own addresses need no extra key: advertised.listeners (or listeners) say them.
      const advertised = listenersOf('advertised.listeners', get('advertised.listeners') ?? get('listeners') as string);
      brokers.set(nodeId, { client: named(advertised, (clientListener as Listener).name, 'advertised.listeners'), interBroker: named(advertised, interBroker, 'advertised.listeners') });
    }
  }
  const unclean = get('unclean.leader.election.enable');
  if (unclean !== undefined && unclean !== 'false') throw new ConfigError(`unclean.leader.election.enable: only false is served as a cluster default (set it per topic at creation), got '${unclean}'`);
  const logDirs = (get('log.dirs') ?? get('log.dir') ?? DEFAULT_LOG_DIR).split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (logDirs.length !== 1) throw new ConfigError(`log.dirs: kspec keeps a node's data in one directory, got ${logDirs.length}`);
  return {
    nodeId, role, voters, brokers, nodeListener, ...(clientListener === undefined ? {} : { clientListener }),
    logDir: logDirs[0] as string,
    defaultClusterId: createHash('sha256').update(`kspec cluster of ${votersText}`).digest().subarray(0, 16).toString('base64url'),
    config: liveConfig(brokerOverrides(props)),
    unused: Object.keys(props).filter((k) => !NODE_KEYS.has(k) && !overridableKeys.includes(k) && !k.startsWith(BROKER_LISTENERS_PREFIX)).sort(),
  };
}

function required(value: string | undefined, key: string): string {
  if (value === undefined || value === '') throw new ConfigError(`${key}: required`);
  return value;
}

function integer(key: string, value: string, min: number, max = 2 ** 31 - 1): number {
  if (!/^\d+$/.test(value)) throw new ConfigError(`${key}: '${value}' is not an integer`);
  const n = Number(value);
  if (n < min || n > max) throw new ConfigError(`${key}: ${value} is not in ${min}..${max}`);
  return n;
}

function rolesOf(value: string | undefined): 'controller' | 'broker' {
  const roles = required(value, 'process.roles').split(',').map((s) => s.trim());
  if (roles.length === 1 && (roles[0] === 'broker' || roles[0] === 'controller')) return roles[0];
  throw new ConfigError(`process.roles: '${value ?? ''}': kspec runs one role per process, broker or controller`);
}

/** QuorumConfig.parseVoterConnections: `id@host:port` separated by commas. */
function votersOf(value: string): Map<number, PeerAddress> {
  const voters = new Map<number, PeerAddress>();
  for (const entry of value.split(',').map((s) => s.trim())) {
    const m = /^(\d+)@(.+):(\d+)$/.exec(entry);
    if (m === null) throw new ConfigError(`controller.quorum.voters: '${entry}' is not id@host:port`);
    const id = integer('controller.quorum.voters', m[1] as string, 0);
    if (voters.has(id)) throw new ConfigError(`controller.quorum.voters: node ${id} appears twice`);
    voters.set(id, { host: hostOf(m[2] as string), port: integer('controller.quorum.voters', m[3] as string, 1, 65_535) });
  }
  return voters;
}

/** SocketServerConfigs listeners syntax: `NAME://host:port` separated by commas (an empty host: every interface). */
function listenersOf(key: string, value: string): Listener[] {
  const listeners: Listener[] = [];
  for (const entry of value.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const m = /^([A-Za-z0-9_]+):\/\/(.*):(\d+)$/.exec(entry);
    if (m === null) throw new ConfigError(`${key}: '${entry}' is not NAME://host:port`);
    const name = (m[1] as string).toUpperCase();
    if (listeners.some((l) => l.name === name)) throw new ConfigError(`${key}: listener ${name} appears twice`);
    listeners.push({ name, host: m[2] === '' ? '0.0.0.0' : hostOf(m[2] as string), port: integer(key, m[3] as string, 0, 65_535) });
  }
  if (listeners.length === 0) throw new ConfigError(`${key}: no listener`);
  return listeners;
}

function hostOf(text: string): string {
  return text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
}

function named(listeners: readonly Listener[], name: string, key: string): Listener {
  const found = listeners.find((l) => l.name === name.toUpperCase());
  if (found === undefined) throw new ConfigError(`${key}: ${name} is not among the listeners (${listeners.map((l) => l.name).join(', ')})`);
  return found;
}

/** Every broker's client and inter-broker listeners from `kspec.broker.advertised.listeners.<id>` (client first, then REPLICATION or the second one). */
function brokersOf(props: Readonly<Record<string, string>>): Map<number, BrokerAddresses> {
  const brokers = new Map<number, BrokerAddresses>();
  for (const [key, value] of Object.entries(props)) {
    if (!key.startsWith(BROKER_LISTENERS_PREFIX)) continue;
    const id = integer(key, key.slice(BROKER_LISTENERS_PREFIX.length), 0);
    const listeners = listenersOf(key, value);
    if (listeners.length !== 2) throw new ConfigError(`${key}: two listeners, the client's then the inter-broker one, got ${listeners.length}`);
    brokers.set(id, { client: listeners[0] as Listener, interBroker: listeners[1] as Listener });
  }
  return brokers;
}

/** The broker configs config.ts maps, with log.retention.hours/minutes folded into log.retention.ms (LogConfig: ms over minutes over hours). */
function brokerOverrides(props: Readonly<Record<string, string>>): string[] {
  const overrides = Object.entries(props).filter(([k]) => overridableKeys.includes(k)).map(([k, v]) => `${k}=${v.trim()}`);
  if (props['log.retention.ms'] === undefined) {
    const minutes = props['log.retention.minutes']?.trim();
    const hours = props['log.retention.hours']?.trim();
    if (minutes !== undefined) overrides.push(`log.retention.ms=${integer('log.retention.minutes', minutes, 0) * 60_000}`);
    else if (hours !== undefined) overrides.push(`log.retention.ms=${integer('log.retention.hours', hours, 0) * 3_600_000}`);
  }
  return overrides;
}
