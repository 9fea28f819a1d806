/**
 * Plain-language lines for what each step of a replication run changed: faults, broker
 * registration and fencing, leaders and ISRs in the committed metadata, truncations, and any
 * clause violation. Shared by `npm start` and the replication scenario scripts.
 */
import type { ClusterSimulation, ClusterStepInput } from './simulation.js';
import type { PartitionStateView } from '../../../spec/replication/view.js';
import { GroupNarrator } from './group-narrator.js';

export class Narrator {
  private printed = 0;
  private known = new Map<string, PartitionStateView>();
  private fenced = new Set<number>();
  private registered = new Set<number>();
  private readonly groups: GroupNarrator;

  constructor(
    private readonly sim: ClusterSimulation,
    private readonly options: { readonly truncations: boolean; readonly consumerDetails?: boolean } = { truncations: true },
  ) {
    this.groups = new GroupNarrator(() => ({ view: sim.groupsView(), history: sim.consumerHistory, now: sim.now }), options.consumerDetails ?? true);
  }

  /** Lines for every step since the last call. */
  lines(): string[] {
    const out: string[] = [];
    const at = `t=${this.sim.now}`;
    const steps = (this.sim.trace ?? []).slice(1 + this.printed);
    this.printed += steps.length;
    for (const step of steps) {
      if (step.kind !== 'step') continue;
      const input = step.input as ClusterStepInput;
      if (input.kind === 'fault') out.push(`t=${step.time} fault: ${String(input['fault'])}`);
      if (this.options.truncations) for (const e of step.effects) if (/ (truncate to|restart log at|lost \d+ unflushed)/.test(e)) out.push(`t=${step.time} ${e}`);
      for (const v of step.violations ?? []) out.push(`t=${step.time} VIOLATION ${v}`);
    }
    const view = this.sim.view();
    for (const b of view.registeredBrokers) {
      const isFenced = view.fencedBrokers.includes(b);
      if (!this.registered.has(b)) out.push(`${at} broker ${b} registered with the controller; fenced until it has caught up with the metadata log`);
      if (this.registered.has(b) && isFenced && !this.fenced.has(b)) out.push(`${at} the controller fenced broker ${b}: no heartbeat within broker.session.timeout.ms, or it registered again`);
      if (!isFenced && (this.fenced.has(b) || !this.registered.has(b))) out.push(`${at} the controller unfenced broker ${b}: it may lead partitions and join ISRs`);
    }
    for (const [key, p] of view.partitions) {
      const before = this.known.get(key);
      if (before === undefined) out.push(`${at} ${key}: replicas [${p.replicas.join(',')}], leader ${p.leader}, ISR [${p.isr.join(',')}]`);
      else if (before.leaderEpoch !== p.leaderEpoch) {
        const unclean = view.uncleanPartitions.has(key) && p.leader >= 0 && !before.isr.includes(p.leader) ? ' UNCLEAN: the new leader was not in the ISR' : '';
        out.push(`${at} ${key}: leader ${before.leader} -> ${p.leader === -1 ? 'none' : p.leader} (leader epoch ${before.leaderEpoch} -> ${p.leaderEpoch}), ISR [${p.isr.join(',')}]${unclean}`);
      } else if (before.isr.join() !== p.isr.join()) {
        const removed = before.isr.filter((r) => !p.isr.includes(r));
        const why = removed.length > 0 && removed.every((r) => view.fencedBrokers.includes(r)) ? 'the controller removed the fenced broker' : `AlterPartition from leader ${p.leader}`;
        out.push(`${at} ${key}: ISR [${before.isr.join(',')}] -> [${p.isr.join(',')}] (${why}; partition epoch ${p.partitionEpoch})`);
      }
    }
    out.push(...this.groups.lines());
    this.registered = new Set(view.registeredBrokers);
    this.fenced = new Set(view.fencedBrokers);
    this.known = new Map(view.partitions);
    return out;
  }

  /** Run for `ms` of virtual time (or until `until` holds), collecting the lines step by step. */
  advance(ms: number, until: () => boolean = () => false): string[] {
    const out: string[] = [];
    this.sim.runUntil(this.sim.now + ms, () => {
      out.push(...this.lines());
      return until();
    });
    out.push(...this.lines());
    return out;
  }
}
