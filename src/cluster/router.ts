/**
 * Which machine on a node a message is for: Kafka's request handler (KafkaApis) dispatching by
 * API, and ReplicaManager dispatching partition requests to the partition's replica. The role
 * that serves each message is declared once, in its API module (src/protocol/registry.ts).
 */
import { specOf } from '../protocol/registry.js';
import { partitionKey, type PartitionAddress } from '../protocol/replication/messages.js';
import type { ClusterMessage } from './world.js';

export type NodeRole = 'controller' | 'broker';

/** The actor name of a partition's replica on a broker. */
export const replicaActor = (address: { topic: string; partition: number }): string => `replica:${partitionKey(address)}`;

/** The actor that handles `message` on a node of `role`, or null when none does (the message is dropped). */
export function route(role: NodeRole, hosts: (actor: string) => boolean, message: ClusterMessage): string | null {
  const spec = specOf(message);
  switch (spec?.role) {
    case 'quorum':
      return 'quorum';
    case 'controller':
      return role === 'controller' ? 'controller' : null;
    case 'broker':
      return role === 'broker' ? 'broker' : null;
    case 'coordinator':
      return role === 'broker' ? 'coordinator' : null;
    case 'replica': {
      const actor = replicaActor(message as PartitionAddress);
      if (hosts(actor)) return actor;
      // A request for a partition this broker does not host: the broker refuses it (NOT_LEADER_OR_FOLLOWER, UNKNOWN_TOPIC_OR_PARTITION).
      return role === 'broker' && spec.kind === 'request' ? 'broker' : null;
    }
    default:
      // A client's answer or an unknown message reaching a node: no machine there takes it.
      return null;
  }
}
