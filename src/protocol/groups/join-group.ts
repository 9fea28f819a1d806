/** JoinGroup (api key 11, v5+: group.instance.id; v9: skipAssignment): a member joins a classic group's rebalance. */
import * as t from 'io-ts';
import { int, list, nullable, struct } from '../codec.js';
import { messageSpec, renderError } from '../message-spec.js';
import { ConsumerProtocolSubscription, renderMember } from './consumer-protocol.js';

export const JoinGroupProtocol = struct({ name: t.string, metadata: ConsumerProtocolSubscription });
export type JoinGroupProtocol = t.TypeOf<typeof JoinGroupProtocol>;

export const JoinGroupRequest = struct({
  type: t.literal('JoinGroup'),
  correlationId: int,
  groupId: t.string,
  sessionTimeoutMs: int,
  rebalanceTimeoutMs: int,
  /** '' on a member's first join. */
  memberId: t.string,
  groupInstanceId: nullable(t.string),
  /** 'consumer' for consumers. */
  protocolType: t.string,
  /** In the member's order of preference. */
  protocols: list(JoinGroupProtocol),
  reason: nullable(t.string),
});
export type JoinGroupRequest = t.TypeOf<typeof JoinGroupRequest>;

export const JoinGroupResponseMember = struct({ memberId: t.string, groupInstanceId: nullable(t.string), metadata: ConsumerProtocolSubscription });
export type JoinGroupResponseMember = t.TypeOf<typeof JoinGroupResponseMember>;

export const JoinGroupResponse = struct({
  type: t.literal('JoinGroupResponse'),
  correlationId: int,
  errorCode: int,
  generationId: int,
  protocolType: nullable(t.string),
  protocolName: nullable(t.string),
  leader: t.string,
  /** v9+: the static leader rejoined without a change; it must not assign again. */
  skipAssignment: t.boolean,
  memberId: t.string,
  /** Only the leader gets the members (with their metadata for the chosen protocol). */
  members: list(JoinGroupResponseMember),
});
export type JoinGroupResponse = t.TypeOf<typeof JoinGroupResponse>;

const instance = (id: string | null): string => (id === null ? '' : ` instance=${id}`);

function renderJoinGroupResponse(m: JoinGroupResponse): string {
  const rest = m.errorCode !== 0 && m.generationId < 0
    ? ` member=${renderMember(m.memberId)}`
    : ` generation=${m.generationId} protocol=${m.protocolName ?? 'none'} leader=${renderMember(m.leader)} member=${renderMember(m.memberId)}${m.members.length > 0 ? ` members=[${m.members.map((x) => x.memberId).join(' ')}]` : ''}${m.skipAssignment ? ' skipAssignment' : ''}`;
  return `JoinGroupResponse${renderError(m.errorCode)}${rest} #${m.correlationId}`;
}

export const joinGroupSpecs = [
  messageSpec<JoinGroupRequest>({
    type: 'JoinGroup', family: 'group', kind: 'request', apiKey: 11, role: 'coordinator', pairedWith: 'JoinGroupResponse', codec: JoinGroupRequest,
    render: (m) => `JoinGroup ${m.groupId} member=${renderMember(m.memberId)}${instance(m.groupInstanceId)} protocols=[${m.protocols.map((p) => p.name).join(',')}]${m.reason === null ? '' : ` reason="${m.reason}"`} #${m.correlationId}`,
    errorResponse: (m, errorCode) => ({
      type: 'JoinGroupResponse', correlationId: m.correlationId, errorCode, generationId: -1, protocolType: null, protocolName: null,
      leader: '', skipAssignment: false, memberId: m.memberId, members: [],
    }),
  }),
  messageSpec<JoinGroupResponse>({
    type: 'JoinGroupResponse', family: 'group', kind: 'response', apiKey: 11, role: 'client', pairedWith: 'JoinGroup', codec: JoinGroupResponse,
    render: renderJoinGroupResponse,
  }),
] as const;
