import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { generatedDocs } from '../scripts/docs.js';
import { discoverMachines } from '../scripts/docs-machines.js';
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

  it('the Mermaid diagram declares every substate inside its parent\'s block (Mermaid draws a state first named by a top-level edge outside its parent)', async () => {
    for (const { id, machine } of await discoverMachines(process.cwd())) {
      const declaredIn = new Map<string, string>();
      const open: string[] = [];
      for (const line of toMermaid(machine).split('\n')) {
        const block = /^\s*state (\w+) \{$/.exec(line);
        const leaf = /^\s*state "[^"]*" as (\w+)$/.exec(line);
        if (block !== null) {
          declaredIn.set(block[1]!, open.at(-1) ?? 'root');
          open.push(block[1]!);
        } else if (leaf !== null) declaredIn.set(leaf[1]!, open.at(-1) ?? 'root');
        else if (/^\s*\}$/.test(line)) open.pop();
      }
      const walk = (node: typeof machine.root, parent: string): void => {
        for (const child of Object.values(node.states) as (typeof machine.root)[]) {
          const childId = child.path.join('_');
          if (child.path.length > 1) expect(declaredIn.get(childId), `${id}: ${child.path.join('.')}`).toBe(parent);
          walk(child, childId);
        }
      };
      walk(machine.root, 'root');
    }
  });
});
