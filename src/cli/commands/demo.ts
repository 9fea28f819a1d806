/**
 * `npm start` (`kspec demo`): the narrated user_activity example on brokers and partitions
 * (./demo-replication.ts). `kspec demo --model quorum`: a narrated 3-controller KRaft quorum:
 * election, replication, a leader crash, re-election, the old leader's return, every clause's verdict.
 */
import { Simulation } from '../../sim/simulator.js';
import { optionsFromSeed } from '../../sim/options.js';
import { electedLeader, quorumClauses, checkAcknowledgedProposals } from '../../../spec/quorum/clauses.js';
import type { TraceStep } from '../../sim/trace.js';
import { replicationDemo } from './demo-replication.js';

const why: Record<string, string> = {
  Candidate: 'its election timeout expired with no leader: it bumps the epoch, votes for itself and sends VoteRequest to the other voters',
  Voted: 'it granted its vote: the candidate\'s log is at least as up to date as its own, and it had not voted in this epoch (the vote is persisted before the answer)',
  Leader: 'a majority granted its votes: it appends a LeaderChange record and sends BeginQuorumEpoch',
  Follower: 'it learned the epoch\'s leader and now fetches from it',
  Unattached: 'it saw a higher epoch and has no leader or vote in it yet',
  Resigned: 'a leader that lost contact with a majority (check quorum), or restarted, resigns: it sends EndQuorumEpoch and will not lead this epoch again',
};

export function demoCommand({ seed, model }: { seed: number; model: 'replication' | 'quorum' }): number {
  if (model === 'replication') return replicationDemo(seed);
  const base = optionsFromSeed(seed, { voters: 3 });
  const options = { ...base, network: { delayMinMs: 2, delayMeanMs: 3, lossProbability: 0, duplicateProbability: 0, reorderProbability: 0 } };
  const sim = new Simulation({ options, faults: [], scripted: true, recordTrace: true });
  let printed = 0;
  const epochs = new Map<string, number>();
  const narrate = (): void => {
    const steps = (sim.trace ?? []).slice(1 + printed).filter((l): l is TraceStep => l.kind === 'step');
    printed += steps.length;
    for (const step of steps) {
      for (const [node, change] of Object.entries(step.changes)) {
        if (change['up'] === false) console.log(`  t=${String(step.time).padStart(5)}ms  n${node} crashed: only its durable state (epoch, vote, leader) and its flushed log survive`);
        else if (change['up'] === true) console.log(`  t=${String(step.time).padStart(5)}ms  n${node} restarted from its durable state in epoch ${epochs.get(node)} (a former leader restarts Resigned)`);
        if (typeof change['epoch'] === 'number') epochs.set(node, change['epoch']);
        if (typeof change['role'] === 'string' && change['up'] !== false) {
          console.log(`  t=${String(step.time).padStart(5)}ms  n${node} -> ${change['role']} (epoch ${epochs.get(node)}): ${why[change['role']] ?? ''}`);
        }
      }
      for (const effect of step.effects) if (/ truncate /.test(effect)) console.log(`  t=${String(step.time).padStart(5)}ms  ${effect}: its log diverged from the leader's`);
      for (const violation of step.violations ?? []) console.log(`  VIOLATION ${violation}`);
    }
  };
  const leader = (): number => {
    const elected = electedLeader(sim.view());
    if (typeof elected === 'string') throw new Error(`the demo expected a leader: ${elected}`);
    return elected.leaderId;
  };
  const hw = (): string => sim.view().nodes.map((n) => `n${n.nodeId} hw=${n.highWatermark} leo=${n.log.length}`).join(', ');

  console.log(`kspec demo: a 3-controller KRaft quorum (seed ${seed}, virtual time, deterministic)\n`);
  console.log('1. Three controllers start Unattached. Each draws a random election timeout (1000ms + up to 1000ms).');
  sim.runUntil(30_000, () => typeof electedLeader(sim.view()) !== 'string');
  narrate();
  const first = leader();
  console.log(`   => n${first} leads epoch ${sim.view().nodes[first - 1]?.epoch}.\n`);

  console.log(`2. The controller logic proposes 5 records to n${first}. Followers fetch them; the high watermark advances once a majority has them.`);
  for (let i = 0; i < 5; i++) sim.propose(first);
  sim.runUntil(sim.now + 500);
  narrate();
  console.log(`   => ${hw()}\n`);

  console.log(`3. n${first} crashes. Its followers stop hearing from it; after the fetch timeout (2000ms) one becomes a candidate.`);
  sim.injectFault({ kind: 'crash', node: first });
  sim.runUntil(sim.now + 30_000, () => {
    const e = electedLeader(sim.view());
    return typeof e !== 'string' && e.leaderId !== first;
  });
  narrate();
  const second = leader();
  console.log(`   => n${second} leads epoch ${sim.view().nodes[second - 1]?.epoch}; the committed records survived: it holds all of them.\n`);

  console.log(`4. Writes continue on n${second} with one controller down: a majority (2 of 3) is enough.`);
  for (let i = 0; i < 5; i++) sim.propose(second);
  sim.runUntil(sim.now + 500);
  narrate();
  console.log(`   => ${hw()}\n`);

  console.log(`5. n${first} restarts from its durable state (epoch, vote, log) and rejoins as a follower of n${second}.`);
  sim.injectFault({ kind: 'restart', node: first });
  sim.runUntil(sim.now + 3_000);
  narrate();
  console.log(`   => ${hw()}\n`);

  console.log('6. The verdicts of the spec clauses over this run:');
  sim.finish();
  const history = checkAcknowledgedProposals(sim.history, sim.view());
  const failed = new Map(sim.violations.map((v) => [v.clauseId, v.message]));
  for (const clause of quorumClauses) {
    const verdict = clause.kind === 'history' ? (history.verdict === 'valid' ? 'PASS' : history.verdict.toUpperCase()) : clause.kind === 'liveness' ? 'PASS' : failed.has(clause.id) ? 'FAIL' : 'PASS';
    console.log(`   ${verdict} ${clause.id} ${clause.title}${failed.has(clause.id) ? `: ${failed.get(clause.id)}` : ''}`);
  }
  const acknowledged = sim.history.filter((h) => h.type === 'ok').length;
  console.log(`\n${acknowledged} of 10 proposals acknowledged; ${sim.steps} simulated steps over ${sim.now}ms of virtual time.`);
  console.log('Try: npx kspec sim --seed 42 | npx kspec sweep --seeds 100 | npx kspec explore --variant vote-without-log-check');
  return sim.violations.length === 0 && history.verdict === 'valid' ? 0 : 1;
}
