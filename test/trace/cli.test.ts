/**
 * `kspec sim --trace` then `--replay`, in-process: an identical replay exits 0 (or 1 when it
 * reproduces a violation), a tampered or malformed trace exits 2 with one line naming the step.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';

let output: string[] = [];
beforeEach(() => {
  output = [];
  vi.spyOn(console, 'log').mockImplementation((...a) => void output.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a) => void output.push(a.join(' ')));
});
afterEach(() => vi.restoreAllMocks());

const dir = mkdtempSync(join(tmpdir(), 'kspec-trace-'));

describe('kspec sim --replay', () => {
  it('replays its own trace (exit 0), refuses a tampered one in one line (exit 2)', async () => {
    const file = join(dir, 'q.jsonl');
    expect(await main(['sim', '--model', 'quorum', '--seed', '5', '--trace', file])).toBe(0);
    expect(output.join('\n')).toMatch(/replay with: npx kspec sim --replay /);
    output = [];
    expect(await main(['sim', '--replay', file])).toBe(0);
    expect(output.join('\n')).toMatch(/replayed \d+ steps of .*: identical; every clause holds/);
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    const step = JSON.parse(lines[100]!);
    step.time += 7;
    lines[100] = JSON.stringify(step);
    const tampered = join(dir, 'tampered.jsonl');
    writeFileSync(tampered, lines.join('\n') + '\n');
    output = [];
    expect(await main(['sim', '--replay', tampered])).toBe(2);
    expect(output).toHaveLength(1);
    expect(output[0]).toMatch(new RegExp(`the replay differs at step ${step.step} \\(t=${step.time}ms\\): time differs`));
  });

  it('a trace that shows a violation replays it and exits 1', async () => {
    const file = join(dir, 'v.jsonl');
    expect(await main(['sim', '--seed', '1', '--variant', 'vote-twice', '--max-steps', '150000', '--trace', file])).toBe(1);
    output = [];
    expect(await main(['sim', '--replay', file])).toBe(1);
    expect(output.join('\n')).toMatch(/identical; it reproduces \d+ violation\(s\), the first: QUORUM-VOTE-1/);
  }, 60_000);
});

describe('kspec trace', () => {
  it('prints steps readably, filtered by type, node and step window; bad filters exit 2', async () => {
    const file = join(dir, 'print.jsonl');
    expect(await main(['sim', '--model', 'quorum', '--seed', '5', '--trace', file])).toBe(0);
    output = [];
    expect(await main(['trace', file, '--type', 'fault'])).toBe(0);
    const heads = output.filter((l) => l.startsWith('step '));
    expect(heads.length).toBeGreaterThan(0);
    expect(heads.every((l) => / fault /.test(l))).toBe(true);
    output = [];
    expect(await main(['trace', file, '--node', 'n2', '--type', 'Vote', '--from', '1', '--to', '400'])).toBe(0);
    const votes = output.filter((l) => l.startsWith('step '));
    expect(votes.length).toBeGreaterThan(0);
    for (const line of votes) {
      expect(line).toMatch(/(n2->n\d+|n\d+->n2) Vote(Request|Response)/);
      expect(Number(/^step (\d+)/.exec(line)?.[1])).toBeLessThanOrEqual(400);
    }
    output = [];
    expect(await main(['trace', file, '--node', 'broker-two'])).toBe(2);
    expect(output.join('\n')).toMatch(/must be a node id/);
  });
});
