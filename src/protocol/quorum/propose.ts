/**
 * Propose: the local call by which the controller appends a record to the metadata log through the
 * quorum (RaftClient.prepareAppend / schedulePreparedAppend), and its answer once the record is
 * appended or refused. Never on the network.
 */
import * as t from 'io-ts';
import { int, struct } from '../codec.js';
import { messageSpec, renderError } from '../message-spec.js';

export const Propose = struct({ type: t.literal('Propose'), value: t.string });
export type Propose = t.TypeOf<typeof Propose>;

export const ProposeResponse = struct({
  type: t.literal('ProposeResponse'),
  value: t.string,
  errorCode: int,
  /** Offset the record was appended at; -1 when rejected. */
  offset: int,
  epoch: int,
  leaderId: int,
});
export type ProposeResponse = t.TypeOf<typeof ProposeResponse>;

export const proposeSpecs = [
  messageSpec<Propose>({
    type: 'Propose', family: 'quorum', kind: 'internal', apiKey: null, role: 'quorum', pairedWith: null, codec: Propose,
    render: (m) => `Propose ${m.value}`,
    errorResponse: (m, errorCode) => ({ type: 'ProposeResponse', value: m.value, errorCode, offset: -1, epoch: -1, leaderId: -1 }),
  }),
  messageSpec<ProposeResponse>({
    type: 'ProposeResponse', family: 'quorum', kind: 'internal', apiKey: null, role: 'client', pairedWith: null, codec: ProposeResponse,
    render: (m) => `ProposeResponse ${m.value} offset=${m.offset}${renderError(m.errorCode)}`,
  }),
] as const;
