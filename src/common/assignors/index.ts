/**
 * The assignors by name. Client-side (ConsumerPartitionAssignor; the classic group's leader runs
 * them): range, roundrobin, sticky, cooperative-sticky. Server-side (ConsumerGroupPartitionAssignor;
 * the KIP-848 coordinator runs them): uniform, range.
 */
import { cooperativeStickyAssignor } from './cooperative-sticky.js';
import { rangeAssignor } from './range.js';
import { roundRobinAssignor } from './round-robin.js';
import { serverRangeAssignor } from './server-range.js';
import { stickyAssignor } from './sticky.js';
import type { ClientAssignor, ServerAssignor } from './types.js';
import { uniformAssignor } from './uniform.js';

export { memberOrder } from './member-order.js';
export { cooperativeStickyAssignor, rangeAssignor, roundRobinAssignor, serverRangeAssignor, stickyAssignor, uniformAssignor };

export const clientAssignors: Record<ClientAssignor['name'], ClientAssignor> = {
  range: rangeAssignor,
  roundrobin: roundRobinAssignor,
  sticky: stickyAssignor,
  'cooperative-sticky': cooperativeStickyAssignor,
};

export const serverAssignors: Record<ServerAssignor['name'], ServerAssignor> = {
  uniform: uniformAssignor,
  range: serverRangeAssignor,
};

export function clientAssignor(name: string): ClientAssignor | undefined {
  return Object.hasOwn(clientAssignors, name) ? clientAssignors[name as ClientAssignor['name']] : undefined;
}

export function serverAssignor(name: string): ServerAssignor | undefined {
  return Object.hasOwn(serverAssignors, name) ? serverAssignors[name as ServerAssignor['name']] : undefined;
}
