/**
 * In-process hand-offs: Kafka's node calls its components directly (the Raft client's listener,
 * ReplicaManager.applyDelta, the coordinator runtime's local append), and those calls happen within
 * the request that caused them. Here they are queued and run in order, first in first out, until
 * none is left; then every node that changed gets to react to its machines' new state (the
 * metadata listener, the coordinator's leadership watch), which may queue more.
 *
 * One queue serves every node a shell hosts in one process (the simulator hosts them all, so a
 * step that restarts several nodes interleaves their hand-offs in the order they were made).
 */
import type { HostEvent } from './actor-host.js';
import type { HandOff, HandOffTarget } from './world.js';

/** A node's reactions to its machines' state after the queue drains; true when it queued more. */
export interface Listening {
  listenToMetadata(): boolean;
  listenToOffsetsPartitions(): boolean;
}

const ROUNDS_MAX = 10_000;

export class HandOffs {
  private queue: HandOff[] = [];
  private head = 0;

  push(target: HandOffTarget, actor: string, event: HostEvent): void {
    this.queue.push({ target, actor, event });
  }

  /** Run every queued hand-off, then the listeners of the changed nodes, until nothing is left. */
  settle(changed: Iterable<number>, lookup: (id: number) => Listening | undefined): void {
    for (let rounds = 0; rounds < ROUNDS_MAX; rounds++) {
      const next = this.shift();
      if (next !== undefined) {
        if (next.target.up) next.target.stepActor(next.actor, next.event);
        continue;
      }
      let handed = false;
      for (const id of changed) if (lookup(id)?.listenToMetadata() === true) handed = true;
      for (const id of changed) if (lookup(id)?.listenToOffsetsPartitions() === true) handed = true;
      if (!handed) return;
    }
    throw new Error('local hand-offs did not settle');
  }

  private shift(): HandOff | undefined {
    if (this.head >= this.queue.length) {
      if (this.head > 0) {
        this.queue = [];
        this.head = 0;
      }
      return undefined;
    }
    return this.queue[this.head++];
  }
}
