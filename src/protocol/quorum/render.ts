/**
 * One line per message, shared by traces, golden scenario files and the stepper
 * (etcd raft's DescribeMessage): `n1->n2 VoteRequest epoch=3 last=5@2`.
 */
import { errorName } from '../errors.js';
import type { QuorumMessage } from './messages.js';

const error = (code: number): string => (code === 0 ? '' : ` ${errorName(code)}`);
const leader = (id: number): string => (id < 0 ? 'none' : `n${id}`);

export function renderMessage(from: number, to: number, message: QuorumMessage): string {
  return `${from < 0 ? 'client' : `n${from}`}->${to < 0 ? 'client' : `n${to}`} ${renderBody(message)}`;
}

export function renderBody(m: QuorumMessage): string {
  switch (m.type) {
    case 'VoteRequest':
      return `VoteRequest epoch=${m.candidateEpoch} candidate=n${m.candidateId} last=${m.lastOffset}@${m.lastOffsetEpoch}`;
    case 'VoteResponse':
      return `VoteResponse epoch=${m.leaderEpoch} ${m.voteGranted ? 'granted' : 'rejected'} leader=${leader(m.leaderId)}${error(m.errorCode)}`;
    case 'BeginQuorumEpochRequest':
      return `BeginQuorumEpoch epoch=${m.leaderEpoch} leader=n${m.leaderId}`;
    case 'BeginQuorumEpochResponse':
      return `BeginQuorumEpochResponse epoch=${m.leaderEpoch} leader=${leader(m.leaderId)}${error(m.errorCode)}`;
    case 'EndQuorumEpochRequest':
      return `EndQuorumEpoch epoch=${m.leaderEpoch} leader=n${m.leaderId} successors=[${m.preferredSuccessors.map((n) => `n${n}`).join(' ')}]`;
    case 'EndQuorumEpochResponse':
      return `EndQuorumEpochResponse epoch=${m.leaderEpoch} leader=${leader(m.leaderId)}${error(m.errorCode)}`;
    case 'FetchRequest':
      return `Fetch offset=${m.fetchOffset} lastFetchedEpoch=${m.lastFetchedEpoch} epoch=${m.currentLeaderEpoch}`;
    case 'FetchResponse': {
      const diverging = m.divergingEpoch.epoch >= 0 ? ` diverging=${m.divergingEpoch.endOffset}@${m.divergingEpoch.epoch}` : '';
      const records = m.records.length === 0 ? '' : ` records=${m.records[0]?.offset}..${m.records[m.records.length - 1]?.offset}`;
      return `FetchResponse epoch=${m.currentLeader.leaderEpoch} leader=${leader(m.currentLeader.leaderId)} hw=${m.highWatermark}${records}${diverging}${error(m.errorCode)}`;
    }
    case 'Propose':
      return `Propose ${m.value}`;
    case 'ProposeResponse':
      return `ProposeResponse ${m.value} offset=${m.offset}${error(m.errorCode)}`;
  }
}
