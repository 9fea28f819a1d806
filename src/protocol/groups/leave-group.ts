/** LeaveGroup (api key 13, v3+: a batch of member identities): members leave a classic group at once. */
import * as t from 'io-ts';
import { int, list, nullable, struct } from '../codec.js';
import { messageSpec, renderError, renderItemError } from '../message-spec.js';
import { renderMember } from './consumer-protocol.js';

export const MemberIdentity = struct({ memberId: t.string, groupInstanceId: nullable(t.string), reason: nullable(t.string) });
export type MemberIdentity = t.TypeOf<typeof MemberIdentity>;

export const LeaveGroupRequest = struct({
  type: t.literal('LeaveGroup'),
  correlationId: int,
  groupId: t.string,
  members: list(MemberIdentity),
});
export type LeaveGroupRequest = t.TypeOf<typeof LeaveGroupRequest>;

export const LeaveGroupResponse = struct({
  type: t.literal('LeaveGroupResponse'),
  correlationId: int,
  errorCode: int,
  members: list(struct({ memberId: t.string, groupInstanceId: nullable(t.string), errorCode: int })),
});
export type LeaveGroupResponse = t.TypeOf<typeof LeaveGroupResponse>;

const identity = (m: { readonly memberId: string; readonly groupInstanceId: string | null }): string =>
  m.groupInstanceId === null ? renderMember(m.memberId) : `${renderMember(m.memberId)}/${m.groupInstanceId}`;

export const leaveGroupSpecs = [
  messageSpec<LeaveGroupRequest>({
    type: 'LeaveGroup', family: 'group', kind: 'request', apiKey: 13, role: 'coordinator', pairedWith: 'LeaveGroupResponse', codec: LeaveGroupRequest,
    render: (m) => `LeaveGroup ${m.groupId} members=[${m.members.map(identity).join(' ')}] #${m.correlationId}`,
    errorResponse: (m, errorCode) => ({ type: 'LeaveGroupResponse', correlationId: m.correlationId, errorCode, members: [] }),
  }),
  messageSpec<LeaveGroupResponse>({
    type: 'LeaveGroupResponse', family: 'group', kind: 'response', apiKey: 13, role: 'client', pairedWith: 'LeaveGroup', codec: LeaveGroupResponse,
    render: (m) => `LeaveGroupResponse${renderError(m.errorCode)} members=[${m.members.map((x) => `${identity(x)}${renderItemError(x.errorCode)}`).join(' ')}] #${m.correlationId}`,
  }),
] as const;
