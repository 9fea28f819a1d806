/**
 * `kspec step` as a real process, keys from piped stdin (a script over ssh does the same): every
 * finished command prints its 80x24 screen; a fork taken with a digit and saved with `s FILE`
 * replays.
 */
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { replayTraceText } from '../../src/trace/replay.js';

const entry = fileURLToPath(new URL('../../src/cli/kspec.ts', import.meta.url));

function kspecWithKeys(args: string[], keys: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), entry, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(keys);
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('kspec step through piped stdin', () => {
  it('steps a scenario, forks on a pending event, saves the fork, and the fork replays', async () => {
    const saved = join(mkdtempSync(join(tmpdir(), 'kspec-step-')), 'fork.jsonl');
    const { code, stdout, stderr } = await kspecWithKeys(['step', 'scenarios/quorum/election.txt'], `nn2s${saved}\rq`);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const screens = stdout.split('\f\n').filter((s) => s !== '').map((s) => s.trimEnd().split('\n'));
    for (const screen of screens) {
      expect(screen.length).toBeLessThanOrEqual(24);
      for (const line of screen) expect(line.length).toBeLessThanOrEqual(80);
    }
    expect(screens[1]?.[0]).toMatch(/^kspec step election\.txt {2}step 1\/\d+ {2}t=\d+ms$/);
    expect(screens[1]?.join('\n')).toMatch(/event: n\d timer after electionTimeout/);
    expect(screens[3]?.[0]).toMatch(/FORK$/);
    expect(screens[3]?.join('\n')).toMatch(/\(chosen\)/);
    expect(screens[4]?.join('\n')).toMatch(/saved 3 steps to /);
    expect(replayTraceText(readFileSync(saved, 'utf8'))).toMatchObject({ identical: true, steps: 3 });
  }, 60_000);

  it('a file that is neither a trace nor a scenario: one line, exit 2', async () => {
    const { code, stderr } = await kspecWithKeys(['step', 'package.json'], 'q');
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^kspec step: package\.json: /);
  }, 60_000);
});
