import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { generatedDocs } from '../scripts/docs.js';
import { createQuorumMachine } from '../src/machines/quorum/index.js';
import { toMermaid } from '../src/docs/machine-doc.js';

describe('generated documentation', () => {
  it('the committed docs match the machines (run `npm run docs` after changing a machine or clause)', async () => {
    for (const [path, text] of Object.entries(await generatedDocs())) expect(readFileSync(path, 'utf8'), path).toBe(text);
  });

  it('the quorum diagram shows every role and the rules between them', () => {
    const diagram = toMermaid(createQuorumMachine());
    for (const role of ['Unattached', 'Voted', 'Candidate', 'Leader', 'Follower', 'Resigned']) expect(diagram).toMatch(new RegExp(`--> ${role}[:_]`));
    expect(diagram).toContain('Follower --> Candidate: after fetchTimeout');
    expect(diagram).toContain('Leader_CheckQuorum_Watching --> Resigned: after checkQuorumTimeout');
    expect(diagram).toContain('Candidate_Campaigning --> Leader: (always) [hasMajorityOfVotes]');
    expect(diagram).toContain('any_state --> Voted: VoteRequest [canGrantVote]');
    expect(diagram).toContain('Follower_Fetching --> Follower: FetchResponse [isAnswerToMyFetch and leaderReportsDivergence]');
  });
});
