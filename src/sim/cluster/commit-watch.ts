/**
 * CG-COMMIT-3 from the wire: each OffsetCommit that reaches a coordinator is remembered with what
 * the group looked like then (the sender's generation or member epoch, from the coordinator's
 * groups as the clauses see them), and the answer is judged when the coordinator sends it: a
 * success must have come from a member of the current generation.
 */
import type { OffsetCommitRequest, OffsetCommitResponse } from '../../protocol/groups/messages.js';
import { currentGenerationOf, judgeCommitAnswer } from '../../../spec/groups/clauses.js';
import type { GroupsView } from '../../../spec/groups/view.js';

export class CommitWatch {
  private readonly arrived = new Map<string, { request: { groupId: string; memberId: string; generation: number }; atArrival: { generation: number } | null }>();

  commitArrived(broker: number, from: number, request: OffsetCommitRequest, groups: () => GroupsView): void {
    if (request.generationIdOrMemberEpoch < 0) return;
    this.arrived.set(`${broker}/${from}/${request.correlationId}`, {
      request: { groupId: request.groupId, memberId: request.memberId, generation: request.generationIdOrMemberEpoch },
      atArrival: currentGenerationOf(groups(), broker, request.groupId, request.memberId),
    });
  }

  /** The coordinator on `broker` answers `to`: the violation, or null. */
  answerSent(broker: number, to: number, response: OffsetCommitResponse): string | null {
    const id = `${broker}/${to}/${response.correlationId}`;
    const arrival = this.arrived.get(id);
    if (arrival === undefined) return null;
    this.arrived.delete(id);
    return judgeCommitAnswer(arrival.request, arrival.atArrival, response.partitions.map((p) => p.errorCode));
  }
}
