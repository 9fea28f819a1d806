/**
 * Disconnected: the transport tells a client that its connection to `node` broke (NetworkClient's
 * disconnect handling): every request in flight on it fails with NETWORK_EXCEPTION. Never sent by a
 * node; a shell delivers it.
 */
import * as t from 'io-ts';
import { int, struct } from './codec.js';
import { messageSpec } from './message-spec.js';

export const Disconnected = struct({ type: t.literal('Disconnected'), node: int });
export type Disconnected = t.TypeOf<typeof Disconnected>;

export const transportSpecs = [
  messageSpec<Disconnected>({
    type: 'Disconnected', family: 'transport', kind: 'internal', apiKey: null, role: 'client', pairedWith: null, codec: Disconnected,
    render: () => 'connection closed',
  }),
] as const;
