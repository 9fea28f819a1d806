/**
 * `kspec up --check`: the spec's per-step group invariants (spec/groups/clauses.ts) evaluated over
 * the brokers of this process after every message and timer, as the simulator evaluates them after
 * every step, through the same view (src/cluster/groups-view.ts). A violation is reported in one
 * line naming the clause and the input that caused it; the cluster keeps running (a tool pointed
 * at a known-broken variant sees every violation, not just the first). Each clause is reported
 * once per group state it finds wrong: a checker that keeps failing on an unchanged state repeats
 * itself only after the state moves on.
 *
 * The replication clauses judge a view the simulator builds from its own bookkeeping (the
 * committed image it tracks, every log including crashed brokers'); they are not evaluated live yet.
 */
import { groupInvariantChecks } from '../../spec/groups/clauses.js';
import type { GroupsView } from '../../spec/groups/view.js';
import type { InvariantCheck } from '../../spec/clause.js';
import { shardViews } from '../cluster/groups-view.js';
import type { BrokerNode } from '../cluster/broker-node.js';

export interface LiveViolation {
  readonly clauseId: string;
  readonly message: string;
  /** The input after which it was found: `JoinGroup from 1000003 to node 2`, `timer ... of coordinator on node 1`. */
  readonly cause: string;
  readonly step: number;
}

export class LiveCheck {
  private readonly checks: InvariantCheck<GroupsView>[] = groupInvariantChecks();
  private step = 0;
  private readonly lastReported = new Map<string, string>();
  readonly violations: LiveViolation[] = [];

  constructor(
    private readonly brokers: readonly { readonly id: number; readonly node: BrokerNode }[],
    private readonly report: (violation: LiveViolation) => void,
    private readonly nowMs: () => number,
  ) {}

  /** After one input: judge the view as it is now. */
  observe(cause: string): void {
    this.step++;
    const view = this.view();
    const moment = { step: this.step, time: this.nowMs(), changedNodes: this.brokers.map((b) => b.id) };
    for (const check of this.checks) {
      for (const message of check.observe(view, moment)) {
        if (this.lastReported.get(check.clause.id) === message) continue;
        this.lastReported.set(check.clause.id, message);
        const violation = { clauseId: check.clause.id, message, cause, step: this.step };
        this.violations.push(violation);
        this.report(violation);
      }
    }
  }

  private view(): GroupsView {
    const shards = this.brokers.flatMap((b) => {
      const coordinator = b.node.coordinator;
      return coordinator === undefined ? [] : shardViews(b.id, coordinator.context);
    });
    const image = this.brokers[0]?.node.image();
    const topicPartitions = Object.fromEntries(Object.values(image?.topics ?? {}).map((t) => [t.name, t.partitions.length]));
    return { shards, topicPartitions };
  }
}

/** Check a live cluster after every input; returns the checker (its violations so far). */
export function checkLive(cluster: { readonly brokers: readonly { readonly id: number; readonly node: BrokerNode }[]; readonly world: { inputHandled: ((what: string) => void) | undefined } }, report: (violation: LiveViolation) => void): LiveCheck {
  const started = Date.now();
  const check = new LiveCheck(cluster.brokers, report, () => Date.now() - started);
  cluster.world.inputHandled = (what) => check.observe(what);
  return check;
}
