/**
 * `npm start` (`kspec demo`): the example of Kafka's documentation, simulated and narrated. Three
 * brokers and a KRaft controller; topic `user_activity` with 6 partitions and replication factor 3;
 * writes keyed by user id through the producer machine (idempotent, acks=all, batching); the leader of one partition crashes; the controller fences
 * it and elects a new leader from the ISR; writes continue; the broker comes back, catches up and
 * rejoins the ISR. A consumer group of two reads the topic, one member dies and the other takes
 * over from the committed offsets. Ends with every replication, producer and group clause's verdict.
 */
import { ClusterSimulation } from '../../sim/cluster/simulation.js';
import { clusterOptionsFromSeed, type ClusterOptions } from '../../sim/cluster/options.js';
import { replicationClauses } from '../../../spec/replication/clauses.js';
import { producerClauses } from '../../../spec/producer/clauses.js';
import { Narrator } from '../../sim/cluster/narrator.js';
import { groupClauses } from '../../../spec/groups/clauses.js';
import type { GroupSpec } from '../../sim/cluster/options.js';

const WRITES_BEFORE = 30;
const WRITES_AFTER = 30;

export function replicationDemo(seed: number): number {
  const base = clusterOptionsFromSeed(seed, { controllers: 1, brokers: 3, producer: 'idempotent' });
  const options: ClusterOptions = {
    ...base,
    topic: { name: 'user_activity', partitions: 6, replicationFactor: 3, configs: { 'min.insync.replicas': '2' } },
    network: { delayMinMs: 2, delayMeanMs: 3, lossProbability: 0, duplicateProbability: 0, reorderProbability: 0 },
  };
  const sim = new ClusterSimulation({ options, faults: [], scripted: true, recordTrace: true });
  const narrator = new Narrator(sim, { truncations: true, consumerDetails: false });
  const advance = (ms: number, until: () => boolean = () => false): void => {
    for (const line of narrator.advance(ms, until)) console.log(`  ${line.replace(/^t=(\d+)/, (_, t: string) => `t=${t.padStart(5)}ms `)}`);
  };
  const writes = (count: number, from: number): void => {
    for (let i = 0; i < count; i++) {
      sim.producerSend(`user-${(from + i) % 24}`);
      advance(i % 3 === 2 ? 20 : 1);
    }
    advance(9_000, () => sim.client.history.filter((o) => o.type !== 'invoke').length >= from + count);
    advance(100);
  };
  const producer = (): string => {
    const c = sim.describeProducer();
    return `producer id ${c.producerId}, epoch ${c.producerEpoch}; ${c.requests} Produce requests for ${c.records} records`;
  };
  const acked = (): number => sim.client.history.filter((o) => o.type === 'ok').length;
  const hws = (): string => [...sim.view().partitions.values()].filter((p) => p.key.startsWith('user_activity-')).map((p) => {
    const leader = sim.view().replicas.find((r) => r.key === p.key && r.broker === p.leader);
    return `${p.key.replace('user_activity-', 'p')}:hw=${leader?.highWatermark ?? '?'}`;
  }).join(' ');

  console.log(`kspec demo: Kafka's user_activity example on a simulated cluster (seed ${seed}, virtual time, deterministic)\n`);
  console.log('1. A KRaft controller (node 101) and three brokers (1, 2, 3) start. The controller quorum elects its leader;');
  console.log('   each broker follows the metadata log as an observer and registers with the active controller.');
  advance(20_000, () => sim.view().registeredBrokers.length === 3 && sim.view().fencedBrokers.length === 0);
  console.log('');

  console.log('2. An admin client creates topic user_activity: 6 partitions, replication factor 3, min.insync.replicas=2.');
  console.log('   The controller places replicas (StripedReplicaPlacer: leaders spread, no broker twice in one partition).');
  sim.clientOp('create');
  advance(1_500, () => sim.view().partitions.size === 6);
  advance(1_000);
  console.log('');

  console.log(`3. A producer (enable.idempotence=true, acks=all, linger.ms=5) asks a broker for a producer id (InitProducerId;`);
  console.log(`   the broker leases ids from the controller in blocks of 1000), then sends ${WRITES_BEFORE} records keyed by user id:`);
  console.log('   partition = murmur2(key) mod 6; records that arrive within linger.ms share a batch; each batch carries the');
  console.log('   producer id, epoch and its first sequence number. An answer waits until every ISR member has the batch.');
  writes(WRITES_BEFORE, 0);
  console.log(`   => ${acked()} acknowledged; ${producer()}; ${hws()}\n`);

  const group: GroupSpec = { groupId: 'user_activity_readers', consumers: 2, protocol: 'classic', assignor: 'range', staticMembers: false, offsetsTopicPartitions: sim.offsetsTopicPartitions, consumerCrashes: false, pollIntervalMs: 100 };
  const stableWith = (members: number) => (): boolean => sim.groupsView().shards.some((s) => s.classic.some((g) => g.groupId === group.groupId && g.state === 'Stable' && g.members.length === members));
  const consumed = (consumer: number): number => sim.consumerHistory.filter((e) => e.type === 'records' && e.consumer === consumer).reduce((n, e) => n + (e.type === 'records' ? e.offsets.length : 0), 0);
  console.log(`3b. Two consumers (91, 92) of group ${group.groupId} start. FindCoordinator creates __consumer_offsets (${sim.offsetsTopicPartitions} partitions`);
  console.log('   here, 50 in Kafka); the coordinator is the leader of partition abs(hashCode(groupId)) mod that. The members join');
  console.log('   (MEMBER_ID_REQUIRED, then the initial rebalance delay), the leader assigns with range, the coordinator writes');
  console.log('   the assignment to its partition and answers SyncGroup once it is committed. Each reads its partitions from');
  console.log('   the beginning (no committed offset: auto.offset.reset=earliest) and commits every 500 ms.');
  sim.startConsumer(91, group, 100);
  sim.startConsumer(92, group, 100);
  advance(10_000, stableWith(2));
  advance(1_500);
  console.log(`   => consumer 91 read ${consumed(91)} records, consumer 92 read ${consumed(92)}\n`);

  const busiest = [...sim.view().replicas].filter((r) => r.role === 'Leader').sort((a, b) => b.highWatermark - a.highWatermark)[0];
  const victim = busiest?.broker ?? 1;
  const victimPartition = busiest?.key ?? 'user_activity-0';
  console.log(`4. Broker ${victim}, leader of ${victimPartition} (the busiest partition), crashes. Its heartbeats stop; after the session timeout the`);
  console.log('   controller fences it, removes it from every ISR and elects the first live ISR replica as leader.');
  sim.injectFault({ kind: 'crash', node: victim });
  advance(6_000, () => sim.view().partitions.get(victimPartition)?.leader !== victim);
  advance(300);
  console.log('');

  console.log(`5. Writes continue: batches the dead leader never answered time out and are retried with the same sequence numbers;`);
  console.log('   the producer refreshes its metadata and sends to the new leaders (ISR of 2 >= min.insync.replicas), whose');
  console.log('   producer state, rebuilt from the replicated log, answers a batch it already has with its original offset.');
  writes(WRITES_AFTER, WRITES_BEFORE);
  console.log(`   => ${acked()} acknowledged in all; ${producer()}; ${hws()}\n`);

  console.log(`6. Broker ${victim} restarts: it registers again (a new broker epoch), replays the metadata log, is unfenced,`);
  console.log('   truncates anything it had past the new leaders\' logs, catches up, and the leaders add it back to their ISRs.');
  sim.injectFault({ kind: 'restart', node: victim });
  advance(15_000, () => [...sim.view().partitions.values()].every((p) => p.isr.length === 3));
  advance(300);
  console.log('');

  console.log('7. Consumer 92 dies without leaving the group. The coordinator notices when its session times out');
  console.log('   (1.5 s here), removes it and rebalances; consumer 91 revokes its partitions (eager: after committing),');
  console.log('   rejoins, is given all six and resumes each from the last committed offset.');
  sim.crashConsumer(92);
  advance(8_000, stableWith(1));
  advance(1_500);
  console.log(`   => consumer 91 has read ${consumed(91)} records in all\n`);

  console.log('8. The verdicts of the replication, producer and group clauses over this run:');
  sim.finish();
  const failed = new Map(sim.violations.map((v) => [v.clauseId, v.message]));
  const converged = [...sim.view().partitions.values()].every((p) => p.isr.length === 3 && p.leader >= 0);
  for (const clause of [...replicationClauses, ...producerClauses, ...groupClauses]) {
    const verdict = failed.has(clause.id) ? 'FAIL' : clause.kind === 'liveness' ? (converged ? 'PASS' : 'FAIL') : 'PASS';
    console.log(`   ${verdict} ${clause.id} ${clause.title}${failed.has(clause.id) ? `: ${failed.get(clause.id)}` : ''}`);
  }
  const total = WRITES_BEFORE + WRITES_AFTER;
  console.log(`\n${acked()} of ${total} writes acknowledged; ${sim.steps} simulated steps over ${sim.now}ms of virtual time.`);
  console.log('Try: npx kspec sim --seed 42 | npx kspec sweep --seeds 100 | npx kspec explore --variant truncate-to-high-watermark');
  return sim.violations.length === 0 && converged ? 0 : 1;
}
