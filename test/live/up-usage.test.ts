/** `kspec up --data-dir` refuses a directory it cannot use with one line and exit code 2, before anything listens. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const kspec = fileURLToPath(new URL('../../bin/kspec.js', import.meta.url));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kspec-up-usage-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function up(...args: string[]): { status: number | null; stderr: string } {
  const result = spawnSync(process.execPath, [kspec, 'up', '--port', '0', ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stderr: result.stderr };
}

describe('kspec up --data-dir, bad input', () => {
  it('a file where the directory should be', () => {
    const file = path.join(dir, 'a-file');
    fs.writeFileSync(file, '');
    const { status, stderr } = up('--data-dir', file);
    expect(status).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/cannot use --data-dir/);
  });

  it('a node directory that belongs to another node (MetaPropertiesEnsemble.verify)', () => {
    const data = path.join(dir, 'other-node');
    fs.mkdirSync(path.join(data, 'node-1'), { recursive: true });
    fs.writeFileSync(path.join(data, 'node-1', 'meta.properties'), 'version=1\nnode.id=7\ncluster.id=AAAAAAAAAAAAAAAAAAAAAA\n');
    const { status, stderr } = up('--data-dir', data);
    expect(status).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/node id 7/);
  });

  it('a storage timer with a bad value', () => {
    const { status, stderr } = up('--override', 'replica.high.watermark.checkpoint.interval.ms=soon');
    expect(status).toBe(2);
    expect(stderr.trim()).toBe("kspec up: replica.high.watermark.checkpoint.interval.ms: 'soon' is not an integer");
  });
});
