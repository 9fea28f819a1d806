/**
 * The spec's group invariants (spec/groups/clauses.ts) judging one coordinator shard's groups step
 * by step, for tests that drive the group rules without a simulator: the shard is seen through
 * the same view the simulator builds (src/sim/cluster/groups-view.ts).
 */
import type { CoordinatorContext } from '../../src/machines/coordinator/machine.js';
import type { ClassicGroupsState } from '../../src/machines/group/classic.js';
import { emptyClassicGroups } from '../../src/machines/group/classic.js';
import { emptyConsumerGroups, type ConsumerGroupsState } from '../../src/machines/group/consumer-group.js';
import type { TopicImage } from '../../src/machines/group/shard.js';
import { shardViews } from '../../src/sim/cluster/groups-view.js';
import { groupInvariantChecks } from '../../spec/groups/clauses.js';

/** The clauses the group rules alone must keep (the assignment clauses need the clients' assignors and the cluster's metadata). */
const RULE_CLAUSES = new Set(['CG-STATE-1', 'CG-GEN-1', 'CG-LEADER-1', 'CG-STATIC-1', 'CGH-OWN-1', 'CGH-EPOCH-1', 'CGH-REC-1', 'CGH-TGT-1']);

export class GroupJudge {
  private readonly checks = groupInvariantChecks().filter((c) => RULE_CLAUSES.has(c.clause.id));
  private step = 0;

  /** Violations of the step that led to these groups, as `CLAUSE: message`. */
  observe(groups: { classic?: ClassicGroupsState; consumer?: ConsumerGroupsState; topics?: Readonly<Record<string, TopicImage>> }): string[] {
    const coordinator = {
      topics: groups.topics ?? {},
      shards: { 0: { partition: 0, leaderEpoch: 0, loadId: 0, state: { classic: groups.classic ?? emptyClassicGroups(0), consumer: groups.consumer ?? emptyConsumerGroups(0), offsets: {} } } },
    } as unknown as CoordinatorContext;
    const view = { shards: shardViews(0, coordinator), topicPartitions: {} };
    this.step++;
    return this.checks.flatMap((check) => check.observe(view, { step: this.step, time: 0, changedNodes: [0] }).map((m) => `${check.clause.id}: ${m}`));
  }
}
