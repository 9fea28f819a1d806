/**
 * Replication scenario scripts: a scripted cluster (no random workload or faults, a reliable
 * network) driven command by command; each command's output is narrated state changes, so the
 * golden output pins the protocol's behaviour. A script starts with `brokers`.
 *
 *   brokers [n=3] [controllers=1] [seed=1] [variant=kraft] [partitions=1] [rf=3] [min-isr=1] [unclean=true]
 *   brokers explore-seed=S [variant=V]   the exploration's cluster and random workload (pins a counterexample)
 *   start                      register every broker (runs until all are unfenced)
 *   create-topic               the admin client creates the topic; runs until its partitions have leaders
 *   brokers ... [producer=raw|idempotent|plain]   raw (default): the scripted one-record writer of `produce`;
 *                              idempotent / plain: also the producer machine, for `send`
 *   produce [key=K] [acks=all|1|0] [count=N] [wait=MS] [pid=P epoch=E seq=S]   raw writes, one every 20 ms, then MS (500)
 *                              to settle; with pid, each is an idempotent batch of one record (seq S, S+1, ...)
 *   send [key=K] [count=N] [wait=MS]   records through the producer machine, one every 5 ms; prints each callback
 *   consume [count=N]          consumer fetches, one every 50 ms
 *   run ms=N | run until=T     advance virtual time
 *   crash nN | restart nN | power-loss nN | isolate nN | one-way from=nA to=nB | heal
 *   status                     committed partition state and every replica's view of itself
 *   consumers [n=2] [group=G] [protocol=classic|consumer] [assignor=A] [static=true] [offsets-partitions=N] [wait=MS]
 *                              start a consumer group's members (client nodes c91, c92, ...): each subscribes to
 *                              the topic and polls every 100 ms (auto-commit every 500 ms, auto.offset.reset=earliest);
 *                              runs until the group is stable (at most MS, 10000)
 *   kill-consumer cN | restart-consumer cN   a consumer process dies (no LeaveGroup, no commit) / starts again
 *   group                      every coordinator's groups: state, generation or epochs, members and assignments
 *   check                      the end-of-run checks, then every replication (and group) clause's verdict
 */
import * as t from 'io-ts';
import { isLeft } from 'fp-ts/lib/Either.js';
import { ClusterSimulation } from '../sim/cluster/simulation.js';
import { clusterOptionsFromSeed, type ClusterOptions } from '../sim/cluster/options.js';
import { Narrator } from '../sim/cluster/narrator.js';
import { defaultBrokerConfig } from '../machines/broker/machine.js';
import { clusterExploreOptions } from '../sim/cluster/run.js';
import type { Fault } from '../sim/faults.js';
import { replicationClauses } from '../../spec/replication/clauses.js';
import { groupClauses } from '../../spec/groups/clauses.js';
import { producerClauses } from '../../spec/producer/clauses.js';
import { findVariant } from '../variants.js';
import { argsFor, ScriptError, type ScriptBlock } from './script.js';

const Count = new t.Type<number, string, unknown>('non-negative integer', (u): u is number => typeof u === 'number',
  (u, c) => (typeof u === 'string' && /^\d+$/.test(u) ? t.success(Number(u)) : t.failure(u, c)), String);
const Node = new t.Type<number, string, unknown>('node (n1, n2, ...)', (u): u is number => typeof u === 'number',
  (u, c) => (Array.isArray(u) && u.length === 1 && typeof u[0] === 'string' && /^n?\d+$/.test(u[0]) ? t.success(Number(u[0].replace(/^n/, ''))) : t.failure(u, c)), (n) => `n${n}`);
const ConsumerNode = new t.Type<number, string, unknown>('consumer (c91, c92, ...)', (u): u is number => typeof u === 'number',
  (u, c) => (Array.isArray(u) && u.length === 1 && typeof u[0] === 'string' && /^c?\d+$/.test(u[0]) ? t.success(Number(u[0].replace(/^c/, ''))) : t.failure(u, c)), (n) => `c${n}`);
const Acks = t.union([t.literal('all'), t.literal('1'), t.literal('0')]);
const NoWords = t.union([t.undefined, t.array(t.string).pipe(new t.Type<string[], string[], string[]>('no positional words', (u): u is string[] => Array.isArray(u), (u, c) => (u.length === 0 ? t.success(u) : t.failure(u, c)), (a) => a))]);

const commands = {
  brokers: t.partial({ _: NoWords, 'offsets-partitions': Count, 'explore-seed': Count, n: Count, controllers: Count, seed: Count, variant: t.string, partitions: Count, rf: Count, 'min-isr': Count, unclean: t.union([t.literal('true'), t.literal('false')]), producer: t.union([t.literal('raw'), t.literal('idempotent'), t.literal('plain')]) }),
  start: t.partial({ _: NoWords }),
  'create-topic': t.partial({ _: NoWords }),
  produce: t.partial({ _: NoWords, key: t.string, acks: Acks, count: Count, wait: Count, pid: Count, epoch: Count, seq: Count }),
  send: t.partial({ _: NoWords, key: t.string, count: Count, wait: Count }),
  consume: t.partial({ _: NoWords, count: Count }),
  run: t.partial({ _: NoWords, ms: Count, until: Count }),
  crash: t.type({ _: Node }),
  restart: t.type({ _: Node }),
  'power-loss': t.type({ _: Node }),
  isolate: t.type({ _: Node }),
  'one-way': t.type({ from: t.string, to: t.string }),
  heal: t.partial({ _: NoWords }),
  status: t.partial({ _: NoWords }),
  consumers: t.partial({ _: NoWords, n: Count, group: t.string, protocol: t.union([t.literal('classic'), t.literal('consumer')]), assignor: t.string, static: t.union([t.literal('true'), t.literal('false')]), 'offsets-partitions': Count, wait: Count }),
  'kill-consumer': t.type({ _: ConsumerNode }),
  'restart-consumer': t.type({ _: ConsumerNode }),
  group: t.partial({ _: NoWords }),
  check: t.partial({ _: NoWords }),
} as const;
type Commands = typeof commands;

export class ClusterScenarioRunner {
  private sim: ClusterSimulation | null = null;

  /** The script's simulation, once `brokers` made it (the stepper opens a scenario through it). */
  get simulation(): ClusterSimulation | null {
    return this.sim;
  }
  private narrator: Narrator | null = null;
  /** Consumers the script started (c91, c92, ...): a consumer command names one of them or is an error. */
  private readonly consumers = new Set<number>();

  private knownNode(sim: ClusterSimulation, node: number, line: number): number {
    if (sim.brokers.includes(node) || sim.controllers.includes(node)) return node;
    throw new ScriptError(`line ${line}: no node n${node}; brokers ${sim.brokers.map((b) => `n${b}`).join(', ')}, controllers ${sim.controllers.map((c) => `n${c}`).join(', ')}`);
  }

  private knownConsumer(sim: ClusterSimulation, consumer: number, line: number): number {
    if (this.consumers.has(consumer)) return consumer;
    const started = [...this.consumers].map((c) => `c${c}`).join(', ');
    throw new ScriptError(`line ${line}: no consumer c${consumer}; ${started === '' ? "no consumer started yet ('consumers' starts c91, c92, ...)" : `consumers: ${started}`}`);
  }

  execute(block: ScriptBlock): string[] {
    const name = block.command as keyof Commands;
    const codec = commands[name];
    if (codec === undefined) throw new ScriptError(`line ${block.line}: unknown command '${block.command}'; replication commands: ${Object.keys(commands).join(', ')}`);
    const decoded = (codec as t.Mixed).decode(argsFor(block, codec as t.Mixed));
    if (isLeft(decoded)) {
      const first = decoded.left[0];
      const field = first?.context.map((c) => c.key).filter((k) => k !== '' && !/^\d+$/.test(k)).join('.') || '(arguments)';
      throw new ScriptError(`line ${block.line}: command '${block.command}': field '${field}' is invalid (got ${JSON.stringify(first?.value)}; expected ${first?.context[first.context.length - 1]?.type.name})`);
    }
    const args = decoded.right as Record<string, unknown>;
    if (name === 'brokers') return this.setUp(args, block.line);
    const sim = this.sim;
    const narrator = this.narrator;
    if (sim === null || narrator === null) throw new ScriptError(`line ${block.line}: '${block.command}' before 'brokers'`);
    switch (name) {
      case 'start':
        return narrator.advance(20_000, () => sim.view().registeredBrokers.length === sim.brokers.length && sim.view().fencedBrokers.length === 0);
      case 'create-topic': {
        const traceBefore = sim.trace?.length ?? 0;
        sim.clientOp('create');
        const out = narrator.advance(5_000, () => sim.view().partitions.size === sim.options.topic.partitions);
        out.push(...narrator.advance(1_000));
        // A refused CreateTopics changes no state the narrator follows: print the controller's answer itself.
        if (!sim.client.topicCreated) out.push(...createTopicsAnswers(sim, traceBefore));
        return out;
      }
      case 'produce': {
        const acks = args['acks'] === '1' ? 1 : args['acks'] === '0' ? 0 : -1;
        const count = (args['count'] as number | undefined) ?? 1;
        sim.clientOp('metadata');
        const out = narrator.advance(50);
        const before = sim.client.history.length;
        const pid = args['pid'] as number | undefined;
        if (pid === undefined && (args['epoch'] !== undefined || args['seq'] !== undefined)) throw new ScriptError(`line ${block.line}: epoch= and seq= need pid=`);
        for (let i = 0; i < count; i++) {
          const producer = pid === undefined ? undefined : { producerId: pid, producerEpoch: (args['epoch'] as number | undefined) ?? 0, baseSequence: ((args['seq'] as number | undefined) ?? 0) + i };
          sim.produce((args['key'] as string | undefined) ?? `user-${i}`, acks, producer);
          out.push(...narrator.advance(20));
        }
        out.push(...narrator.advance((args['wait'] as number | undefined) ?? 500));
        const ops = sim.client.history.slice(before).filter((o) => o.type !== 'invoke');
        for (const o of ops) out.push(`write ${o.value} key=${o.key} ${o.partition} acks=${o.acks === -1 ? 'all' : o.acks}: ${o.type}${o.offset === undefined ? '' : ` offset=${o.offset}`}${o.error === undefined ? '' : ` ${o.error}`}`);
        return out;
      }
      case 'send': {
        if (!sim.usesProducer) throw new ScriptError(`line ${block.line}: 'send' needs the producer machine: brokers ... producer=idempotent (or plain)`);
        const count = (args['count'] as number | undefined) ?? 1;
        const before = sim.client.history.length;
        const out: string[] = [];
        for (let i = 0; i < count; i++) {
          sim.producerSend((args['key'] as string | undefined) ?? `user-${i}`);
          out.push(...narrator.advance(5));
        }
        out.push(...narrator.advance((args['wait'] as number | undefined) ?? 500));
        const ops = sim.client.history.slice(before).filter((o) => o.type !== 'invoke');
        for (const o of ops) out.push(`callback ${o.value} key=${o.key} ${o.partition}: ${o.type}${o.offset === undefined ? '' : ` offset=${o.offset}`}${o.error === undefined ? '' : ` ${o.error}`}`);
        return out;
      }
      case 'consume': {
        const count = (args['count'] as number | undefined) ?? sim.options.topic.partitions;
        sim.clientOp('metadata');
        const out = narrator.advance(50);
        const before = sim.client.consumed.length;
        for (let i = 0; i < count; i++) {
          sim.clientOp('consume');
          out.push(...narrator.advance(50));
        }
        for (const e of sim.client.consumed.slice(before)) {
          if (e.type === 'record') out.push(`consumed ${e.partition} offset=${e.offset} ${e.value}`);
          if (e.type === 'reset') out.push(`consumer reset ${e.partition} ${e.from} -> ${e.to}: ${e.reason}`);
        }
        return out;
      }
      case 'run': {
        const until = args['until'] as number | undefined;
        const ms = until !== undefined ? Math.max(0, until - sim.now) : (args['ms'] as number | undefined);
        if (ms === undefined) throw new ScriptError(`line ${block.line}: 'run' needs ms=N or until=T`);
        return narrator.advance(ms);
      }
      case 'crash':
      case 'restart':
      case 'power-loss':
      case 'isolate': {
        sim.injectFault({ kind: name, node: this.knownNode(sim, args['_'] as number, block.line) } as Fault);
        return narrator.lines();
      }
      case 'heal':
        sim.injectFault({ kind: 'heal' });
        return narrator.lines();
      case 'one-way': {
        const node = (word: unknown): number => {
          if (typeof word !== 'string' || !/^n?\d+$/.test(word)) throw new ScriptError(`line ${block.line}: one-way needs from=nA to=nB, got ${JSON.stringify(word)}`);
          return Number(word.replace(/^n/, ''));
        };
        sim.injectFault({ kind: 'one-way', from: this.knownNode(sim, node(args['from']), block.line), to: this.knownNode(sim, node(args['to']), block.line) });
        return narrator.lines();
      }
      case 'status':
        return this.status(sim);
      case 'consumers':
        return this.startConsumers(sim, narrator, args, block.line);
      case 'kill-consumer': {
        const consumer = this.knownConsumer(sim, args['_'] as number, block.line);
        if (!sim.consumerRunning(consumer)) throw new ScriptError(`line ${block.line}: consumer c${consumer} is not running (restart-consumer c${consumer} starts it)`);
        sim.call({ kind: 'call', call: 'kill-consumer', consumer });
        return narrator.lines();
      }
      case 'restart-consumer': {
        const consumer = this.knownConsumer(sim, args['_'] as number, block.line);
        if (sim.consumerRunning(consumer)) throw new ScriptError(`line ${block.line}: consumer c${consumer} is running (kill-consumer c${consumer} stops it)`);
        sim.call({ kind: 'call', call: 'restart-consumer', consumer });
        return narrator.advance(1);
      }
      case 'group':
        return this.groupStatus(sim);
      case 'check': {
        sim.finish();
        const out = narrator.lines();
        const failed = new Map(sim.violations.map((v) => [v.clauseId, v.message]));
        const clauses = [...replicationClauses, ...(sim.usesProducer ? producerClauses : []), ...(sim.consumerHistory.length > 0 ? groupClauses : [])];
        for (const clause of clauses) {
          if (clause.kind === 'liveness') continue;
          out.push(`${failed.has(clause.id) ? 'FAIL' : 'PASS'} ${clause.id}${failed.has(clause.id) ? `: ${failed.get(clause.id)}` : ''}`);
        }
        for (const f of sim.producerFindings) if (f.allowed) out.push(`${f.clauseId} allowed (Kafka's KIP-360 window) ${f.partition}: ${f.detail}`);
        for (const l of sim.allowedLostWrites) out.push(`lost-write (allowed: unclean leader election) ${l.partition} offset ${l.offset}: acknowledged ${l.value}, final log has ${l.found}`);
        return out;
      }
      default:
        return [];
    }
  }

  private setUp(args: Record<string, unknown>, line: number): string[] {
    const variant = (args['variant'] as string | undefined) ?? 'kraft';
    try {
      findVariant(variant);
    } catch (error) {
      throw new ScriptError(`line ${line}: ${(error as Error).message}`);
    }
    const brokers = (args['n'] as number | undefined) ?? 3;
    const controllers = (args['controllers'] as number | undefined) ?? 1;
    if (brokers < 1 || controllers < 1) throw new ScriptError(`line ${line}: a cluster needs at least one broker and one controller`);
    const exploreSeed = args['explore-seed'] as number | undefined;
    if (exploreSeed !== undefined) {
      // The exploration's own cluster and random workload (src/sim/cluster/run.ts), faults from the script: pins a counterexample.
      const options = clusterExploreOptions(exploreSeed, variant);
      this.sim = new ClusterSimulation({ options, faults: [], recordTrace: true });
      this.narrator = new Narrator(this.sim);
      return [`exploration cluster of seed ${exploreSeed}: ${options.controllers} controller, ${options.brokers} brokers, 1 partition rf 3, min.insync.replicas=1, writes every ~${options.produceIntervalMs}ms; variant ${variant}`];
    }
    const seed = (args['seed'] as number | undefined) ?? 1;
    const configs: Record<string, string> = { 'min.insync.replicas': String((args['min-isr'] as number | undefined) ?? 1) };
    if (args['unclean'] === 'true') configs['unclean.leader.election.enable'] = 'true';
    const producer = (args['producer'] as ClusterOptions['producer'] | undefined) ?? 'raw';
    const base = clusterOptionsFromSeed(seed, { variant, brokers, controllers, producer, group: null });
    const options: ClusterOptions = {
      ...base,
      topic: { name: 'user_activity', partitions: (args['partitions'] as number | undefined) ?? 1, replicationFactor: (args['rf'] as number | undefined) ?? Math.min(3, brokers), configs },
      network: { delayMinMs: 2, delayMeanMs: 3, lossProbability: 0, duplicateProbability: 0, reorderProbability: 0 },
    };
    // __consumer_offsets: Kafka's 50 partitions would make every scenario carry 150 replicas; 3 unless asked.
    const offsetsPartitions = (args['offsets-partitions'] as number | undefined) ?? 3;
    const brokerConfig = { ...defaultBrokerConfig, offsetsTopicNumPartitions: offsetsPartitions, offsetsTopicReplicationFactor: Math.min(3, brokers) };
    this.sim = new ClusterSimulation({ options, faults: [], scripted: true, recordTrace: true, brokerConfig });
    this.narrator = new Narrator(this.sim);
    return [`${controllers} controller(s), ${brokers} brokers, topic ${options.topic.name}: ${options.topic.partitions} partition(s), rf ${options.topic.replicationFactor}, ${Object.entries(configs).map(([k, v]) => `${k}=${v}`).join(' ')}; seed ${seed}, variant ${variant}${producer === 'raw' ? '' : `; ${producer} producer`}`];
  }

  private startConsumers(sim: ClusterSimulation, narrator: Narrator, args: Record<string, unknown>, line: number): string[] {
    const protocol = (args['protocol'] as 'classic' | 'consumer' | undefined) ?? 'classic';
    const assignor = (args['assignor'] as string | undefined) ?? (protocol === 'classic' ? 'range' : 'uniform');
    const offsetsPartitions = (args['offsets-partitions'] as number | undefined) ?? sim.offsetsTopicPartitions;
    if (offsetsPartitions !== sim.offsetsTopicPartitions) throw new ScriptError(`line ${line}: offsets-partitions must be given to 'brokers' (the brokers are configured with ${sim.offsetsTopicPartitions})`);
    const group = {
      groupId: (args['group'] as string | undefined) ?? 'user_activity_readers', consumers: (args['n'] as number | undefined) ?? 2, protocol, assignor,
      staticMembers: args['static'] === 'true', offsetsTopicPartitions: offsetsPartitions, consumerCrashes: false, pollIntervalMs: 100,
    };
    const error = ClusterSimulation.checkGroup(group);
    if (error !== null) throw new ScriptError(`line ${line}: ${error}`);
    // Members already running stay; the missing ones start (so `consumers n=1` then `consumers n=2` adds one).
    for (let i = 1; i <= group.consumers; i++) {
      if (!sim.consumerRunning(90 + i)) sim.call({ kind: 'call', call: 'start-consumer', consumer: 90 + i, group, delayMs: 100 });
      this.consumers.add(90 + i);
    }
    const wait = (args['wait'] as number | undefined) ?? 10_000;
    const stable = (): boolean => sim.groupsView().shards.some((s) => s.classic.some((g) => g.groupId === group.groupId && g.state === 'Stable' && g.members.length === group.consumers)
      || s.consumer.some((g) => g.groupId === group.groupId && g.state === 'Stable' && g.members.length === group.consumers));
    return narrator.advance(wait, stable);
  }

  private groupStatus(sim: ClusterSimulation): string[] {
    const out: string[] = [];
    for (const shard of sim.groupsView().shards) {
      for (const g of shard.classic) {
        out.push(`group ${g.groupId} on broker ${shard.broker} (__consumer_offsets-${shard.partition}): ${g.state}, generation ${g.generationId}, leader ${g.leaderId ?? 'none'}`);
        for (const m of g.members) out.push(`  ${m.memberId}${m.instanceId === null ? '' : ` (${m.instanceId})`}: [${m.assignment.join(',')}]`);
      }
      for (const g of shard.consumer) {
        out.push(`group ${g.groupId} on broker ${shard.broker} (__consumer_offsets-${shard.partition}): ${g.state}, group epoch ${g.groupEpoch}, assignment epoch ${g.assignmentEpoch}`);
        for (const m of g.members) out.push(`  ${m.memberId}: epoch ${m.memberEpoch} ${m.state} [${m.assigned.join(',')}]${m.pendingRevocation.length > 0 ? ` revoking [${m.pendingRevocation.join(',')}]` : ''}`);
      }
    }
    if (out.length === 0) out.push('no group is loaded on any coordinator');
    return out;
  }

  private status(sim: ClusterSimulation): string[] {
    const out: string[] = [];
    for (const p of sim.view().partitions.values()) out.push(`${p.key}: leader ${p.leader} epoch ${p.leaderEpoch}, ISR [${p.isr.join(',')}], partition epoch ${p.partitionEpoch}`);
    for (const id of sim.brokers) {
      const d = sim.describeNode(id);
      const parts = Object.entries(d).filter(([k]) => k === 'broker' || k.startsWith('user_activity') || k === 'up').map(([k, v]) => (k === 'up' ? (v ? '' : 'down') : k === 'broker' ? String(v) : `${k}: ${String(v)}`)).filter((x) => x !== '');
      out.push(`n${id} ${parts.join('; ')}`);
    }
    return out;
  }
}

/** The CreateTopics answers the client received since trace line `from`, as the narrator would say them. */
function createTopicsAnswers(sim: ClusterSimulation, from: number): string[] {
  const out: string[] = [];
  for (const line of (sim.trace ?? []).slice(from)) {
    if (line.kind !== 'step' || line.input.kind !== 'deliver') continue;
    const message = String((line.input as { message?: unknown }).message ?? '');
    if (/CreateTopicsResponse/.test(message)) out.push(`t=${line.time} the controller refused the topic: ${message}`);
  }
  return out;
}
