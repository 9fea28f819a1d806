/** SyncGroup (api key 14): the leader hands in the assignment, every member gets its own share. */
import * as t from 'io-ts';
import { int, list, nullable, struct } from '../codec.js';
import { messageSpec, renderError } from '../message-spec.js';
import { ConsumerProtocolAssignment, renderByName, renderMember } from './consumer-protocol.js';

export const SyncGroupRequest = struct({
  type: t.literal('SyncGroup'),
  correlationId: int,
  groupId: t.string,
  generationId: int,
  memberId: t.string,
  groupInstanceId: nullable(t.string),
  protocolType: nullable(t.string),
  protocolName: nullable(t.string),
  /** Only the leader sends assignments. */
  assignments: list(struct({ memberId: t.string, assignment: ConsumerProtocolAssignment })),
});
export type SyncGroupRequest = t.TypeOf<typeof SyncGroupRequest>;

export const SyncGroupResponse = struct({
  type: t.literal('SyncGroupResponse'),
  correlationId: int,
  errorCode: int,
  protocolType: nullable(t.string),
  protocolName: nullable(t.string),
  assignment: ConsumerProtocolAssignment,
});
export type SyncGroupResponse = t.TypeOf<typeof SyncGroupResponse>;

const emptyAssignment: ConsumerProtocolAssignment = { assignedPartitions: [] };

export const syncGroupSpecs = [
  messageSpec<SyncGroupRequest>({
    type: 'SyncGroup', family: 'group', kind: 'request', apiKey: 14, role: 'coordinator', pairedWith: 'SyncGroupResponse', codec: SyncGroupRequest,
    render: (m) =>
      `SyncGroup ${m.groupId} generation=${m.generationId} member=${renderMember(m.memberId)}${m.assignments.length > 0 ? ` assignments=[${m.assignments.map((a) => `${a.memberId}:${renderByName(a.assignment.assignedPartitions)}`).join('; ')}]` : ''} #${m.correlationId}`,
    errorResponse: (m, errorCode) => ({ type: 'SyncGroupResponse', correlationId: m.correlationId, errorCode, protocolType: null, protocolName: null, assignment: emptyAssignment }),
  }),
  messageSpec<SyncGroupResponse>({
    type: 'SyncGroupResponse', family: 'group', kind: 'response', apiKey: 14, role: 'client', pairedWith: 'SyncGroup', codec: SyncGroupResponse,
    render: (m) => `SyncGroupResponse${renderError(m.errorCode)}${m.errorCode === 0 ? ` assignment=[${renderByName(m.assignment.assignedPartitions)}]` : ''} #${m.correlationId}`,
  }),
] as const;
