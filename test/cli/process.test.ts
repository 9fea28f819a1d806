/**
 * What only a real process shows: a reader that goes away (EPIPE) and Ctrl-C (SIGINT) during a
 * sweep. Each spawns node with tsx's loader, about a second of start-up.
 */
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('../../src/cli/kspec.ts', import.meta.url));

function kspec(args: string[]) {
  return spawn(process.execPath, ['--import', import.meta.resolve('tsx'), entry, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
}

const exited = (child: ReturnType<typeof kspec>): Promise<number | null> => new Promise((resolve) => child.on('close', (code) => resolve(code)));

describe('kspec as a process', () => {
  it('stops quietly when its reader goes away (kspec clauses | head -0): exit 141, no stack trace', async () => {
    const child = kspec(['clauses']);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // Closed before kspec has started: its first write meets a pipe with no reader.
    child.stdout.destroy();
    expect(await exited(child)).toBe(141);
    expect(stderr).not.toMatch(/EPIPE|\n\s+at /);
  }, 20_000);

  it('Ctrl-C during a sweep prints the summary of the seeds that finished and exits 130', async () => {
    const child = kspec(['sweep', '--model', 'quorum', '--seeds', '500', '--workers', '1']);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      // The first progress line: at least one seed has finished.
      if (/\d+\/500 seeds/.test(stderr) && !child.killed) child.kill('SIGINT');
    });
    expect(await exited(child)).toBe(130);
    expect(stdout).toMatch(/interrupted after (\d+) of 500 seeds: a partial summary/);
    const finished = Number(/interrupted after (\d+)/.exec(stdout)?.[1]);
    expect(finished).toBeGreaterThan(0);
    expect(stdout).toMatch(new RegExp(`^seeds: ${finished}$`, 'm'));
    expect(stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});
