/**
 * The kspec command runs from its JavaScript build (scripts/build-cli.mjs), rebuilt when a source
 * is newer, so it starts without compiling TypeScript on every call.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = fileURLToPath(new URL('../../bin/kspec.js', import.meta.url));

describe('the built kspec command', () => {
  it('runs from dist/ and reports the version in package.json, and the build is then fresh', async () => {
    const run = spawnSync(process.execPath, [bin, '--version'], { encoding: 'utf8', cwd: root });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const { version } = JSON.parse(readFileSync(`${root}/package.json`, 'utf8')) as { version: string };
    expect(run.stdout.trim()).toBe(version);
    expect(statSync(`${root}/dist/kspec.mjs`).isFile()).toBe(true);
    expect(statSync(`${root}/dist/sweep-worker.mjs`).isFile()).toBe(true);
    const { isStale } = (await import('../../scripts/build-cli.mjs')) as { isStale: () => boolean };
    expect(isStale()).toBe(false);
  });

  it('a sweep from the build runs its seeds in the built worker', () => {
    const run = spawnSync(process.execPath, [bin, 'sweep', '--seeds', '2', '--model', 'quorum', '--json', '-'], { encoding: 'utf8', cwd: root });
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout) as { summary: { seeds: number; models: { quorum: number } } };
    expect(report.summary.seeds).toBe(2);
    expect(report.summary.models.quorum).toBe(2);
  });
});

describe('paths in the build', () => {
  it('no module finds a file relative to its own location (the bundle moves every module to dist/): they ask repoRoot()', async () => {
    const { readdirSync, readFileSync: read } = await import('node:fs');
    const { join } = await import('node:path');
    const allowed = new Set(['src/repo-root.ts', 'src/cli/commands/sweep.ts']);
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
        const path = `${dir}/${entry.name}`;
        if (entry.isDirectory()) walk(path);
        else if (/\.(ts|mts)$/.test(entry.name) && !allowed.has(path) && /new URL\([^)]*import\.meta\.url/.test(read(join(root, path), 'utf8'))) offenders.push(path);
      }
    };
    walk('src');
    walk('spec');
    expect(offenders).toEqual([]);
  });

  it('commands that read the checkout work from the build: scenario, docs and conform --list', () => {
    for (const args of [['scenario', 'scenarios/quorum/election.txt'], ['docs', '--help'], ['conform', '--list']]) {
      const run = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: root });
      expect(run.stderr, args.join(' ')).not.toContain('Error');
      expect(run.status, args.join(' ')).toBe(0);
    }
  });
});
