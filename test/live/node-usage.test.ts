/** `kspec node --config`: a missing file, a bad value or a broken line is one line on stderr and exit code 2, before anything listens. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const kspec = fileURLToPath(new URL('../../bin/kspec.js', import.meta.url));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kspec-node-usage-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function node(text: string | undefined, ...args: string[]): { status: number | null; stderr: string } {
  const file = path.join(dir, `server-${Math.random().toString(36).slice(2)}.properties`);
  if (text !== undefined) fs.writeFileSync(file, text);
  const result = spawnSync(process.execPath, [kspec, 'node', '--config', file, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stderr: result.stderr };
}

const controller = `process.roles=controller\nnode.id=101\ncontroller.quorum.voters=101@127.0.0.1:1\nlisteners=CONTROLLER://127.0.0.1:1\ncontroller.listener.names=CONTROLLER\nlog.dirs=${dir}/c\n`;

describe('kspec node --config, bad input', () => {
  it('a missing file', () => {
    const { status, stderr } = node(undefined);
    expect(status).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/cannot read --config .*ENOENT/);
  });

  it('a bad value names the file and the key', () => {
    const { status, stderr } = node(controller.replace('node.id=101', 'node.id=-5'));
    expect(status).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/server-.*\.properties: node.id: '-5' is not an integer/);
  });

  it('a cluster id that is no Uuid', () => {
    const { status, stderr } = node(controller, '--cluster-id', 'not-a-uuid');
    expect(status).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/--cluster-id not-a-uuid is not a Uuid/);
  });
});
