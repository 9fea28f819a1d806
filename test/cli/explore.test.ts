/**
 * Replication exploration's report: a counterexample comes with the command that reproduces the
 * exploration (it used to print none) and its trace under the replication model's own name. The
 * search itself is minutes of CPU, so it is replaced here by a fixed outcome; the CLI's part is
 * what is judged.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

vi.mock('../../src/sim/cluster/run.js', () => ({
  exploreCluster: () => ({
    runsTried: 12, findMs: 100, shrinkMs: 50, shrinks: 3,
    counterexample: {
      options: { seed: 4242 },
      faults: [{ atMs: 10, fault: { kind: 'crash', node: 1 } }],
      result: { violations: [{ clauseId: 'REPL-HW-1', message: 'hw above an ISR member', step: 7, time: 30 }], trace: [{ kind: 'cluster-header', options: { seed: 4242 }, scripted: false, faults: [] }, { kind: 'step', step: 1 }] },
    },
  }),
}));

const { main } = await import('../../src/cli/main.js');

let stdout: string[] = [];
beforeEach(() => {
  stdout = [];
  vi.spyOn(console, 'log').mockImplementation((...a) => void stdout.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
  vi.spyOn(process.stdout, 'write').mockImplementation((text) => (stdout.push(String(text)), true));
});
afterEach(() => vi.restoreAllMocks());

describe('kspec explore, replication model', () => {
  it('prints the reproduce command and writes the trace and the JSON report', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kspec-explore-'));
    const out = join(dir, 'ce.jsonl');
    const json = join(dir, 'ce.json');
    expect(await main(['explore', '--variant', 'truncate-to-high-watermark', '--runs', '40', '--seed', '9', '--out', out, '--json', json])).toBe(1);
    const text = stdout.join('\n');
    expect(text).toMatch(/reproduce with: npx kspec explore --model replication --variant truncate-to-high-watermark --runs 40 --seed 9$/m);
    expect(text).toMatch(/violation: REPL-HW-1: hw above an ISR member/);
    // The header, the step, the end line (src/trace/format.ts).
    expect(readFileSync(out, 'utf8').trim().split('\n')).toHaveLength(3);
    const report = JSON.parse(readFileSync(json, 'utf8')) as Record<string, unknown>;
    expect(report).toMatchObject({ schema: 'kspec.explore/1', model: 'replication', exitCode: 1, trace: out, counterexample: { simSeed: 4242, faults: [{ atMs: 10, fault: expect.any(String) }], violation: { clauseId: 'REPL-HW-1', step: 7 } } });
    expect(existsSync(json)).toBe(true);
  });
});
