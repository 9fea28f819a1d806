/** npm run sweep:variants -- --tabulate: the catch table from sweeps already run, batches folded per variant. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'kspec-tabulate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const outcome = (seed: number, clauses: string[] = []) => ({ seed, violations: clauses.map((clauseId) => ({ clauseId })), error: null });
function reportFile(name: string, variant: string, wallMs: number, outcomes: ReturnType<typeof outcome>[]): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify({ schema: 'kspec.sweep/1', job: { variant }, wallMs, outcomes }));
  return file;
}
const tabulate = (files: string[]) => spawnSync('npx', ['tsx', 'scripts/sweep-variants.ts', '--tabulate', ...files], { encoding: 'utf8' });

describe('sweep:variants --tabulate', () => {
  it('folds the batches of each variant and exits 1 when a variant goes uncaught by its clause', () => {
    const files = [
      reportFile('a1.json', 'range-drops-remainder', 2_000, [outcome(1), outcome(2, ['CG-ASSIGN-2'])]),
      reportFile('a2.json', 'range-drops-remainder', 3_000, [outcome(3, ['CG-ASSIGN-2', 'CG-GEN-1'])]),
      reportFile('k1.json', 'kraft', 1_000, [outcome(1), outcome(2), outcome(3)]),
      reportFile('e1.json', 'elect-outside-isr', 1_000, [outcome(1, ['REPL-LIVE-1'])]),
    ];
    const run = tabulate(files);
    const lines = run.stdout.trim().split('\n');
    // The issue-18 order, the reference last; "by it" counts the clause the variant breaks.
    expect(lines.slice(2).map((l) => l.split('|').map((c) => c.trim()).slice(1, 6))).toEqual([
      ['elect-outside-isr', 'REPL-UNCLEAN-1', '1/1', '0', 'REPL-LIVE-1 1'],
      ['range-drops-remainder', 'CG-ASSIGN-2', '2/3', '2', 'CG-ASSIGN-2 2, CG-GEN-1 1'],
      ['kraft', '-', '0/3', '-', '-'],
    ]);
    expect(lines[3]).toContain('5s');
    expect(run.stderr).toContain('not caught by the clause they break: elect-outside-isr');
    expect(run.status).toBe(1);
  }, 30_000);

  it('refuses a seed given twice for one variant and a file that is no report, with exit 2', () => {
    const twice = tabulate([reportFile('t1.json', 'kraft', 1, [outcome(4)]), reportFile('t2.json', 'kraft', 1, [outcome(4)])]);
    expect([twice.status, twice.stderr.trim()]).toEqual([2, 'sweep:variants: kraft: seed 4 is in two reports']);
    const junk = join(dir, 'junk.json');
    writeFileSync(junk, '{"nope": 1}');
    expect(tabulate([junk]).status).toBe(2);
  }, 30_000);
});
