/**
 * A KRaft controller node: a quorum voter over the metadata log, and the controller machine beside
 * it (QuorumController), which becomes active when its node leads the quorum and writes its
 * decisions to the log as proposals.
 */
import type { HostEvent } from './actor-host.js';
import { KafkaNode, type NodeParts } from './node.js';
import { parseMetadataEntry, type MetadataEntry } from './metadata-entry.js';
import type { ClusterMessage } from './world.js';
import { createControllerMachine, defaultControllerConfig } from '../machines/controller/machine.js';
import type { Deviations } from '../machines/deviations.js';

type ControllerMachine = ReturnType<typeof createControllerMachine>;

export class ControllerNode extends KafkaNode {
  readonly role = 'controller';
  protected readonly metadataListener = 'controller';
  private readonly controllerMachine: ControllerMachine = createControllerMachine();

  /** A broken variant's deviations (none for the reference). */
  private readonly deviations: { deviations?: Deviations };

  constructor(parts: NodeParts & { deviations?: Deviations }) {
    super(parts);
    this.deviations = parts.deviations === undefined ? {} : { deviations: parts.deviations };
  }

  /** The controller leads the cluster (QuorumController's active state). */
  get active(): boolean {
    return this.up && this.actors.get('controller')?.state === 'Active';
  }

  protected bootRole(): void {
    this.startActor('controller', this.controllerMachine, { nodeId: this.id, config: { ...defaultControllerConfig, ...this.deviations }, randomSeed: this.seed('controller') });
  }

  protected committedEvent(entries: readonly (MetadataEntry & { endOffset: number })[], committedOffset: number): HostEvent | null {
    return entries.length === 0 ? null : { type: 'MetadataCommitted', entries, committedOffset };
  }

  protected perform(actor: string, effect: HostEvent): void {
    switch (effect.type) {
      case 'send':
        this.world.send(this.id, effect['to'] as number, effect['message'] as ClusterMessage);
        return;
      case 'propose':
        this.propose(effect['entry'] as MetadataEntry);
        return;
      default:
        throw new Error(`controller node ${this.id} does not know effect '${effect.type}' of ${actor}`);
    }
  }

  /** A proposal the quorum refused (not the leader any more, too many pending): the controller drops the entry. */
  protected override proposalAnswered(reply: { value: string; errorCode: number }): void {
    if (reply.errorCode === 0 || !this.actors.has('controller')) return;
    const entry = parseMetadataEntry(reply.value);
    if (entry !== null) this.handOff('controller', { type: 'ProposalFailed', id: entry.id, from: this.id });
  }
}
