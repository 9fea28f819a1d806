/** Bad input gets a clear error and exit code 2, never a stack trace. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
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

describe('kspec command line', async () => {
  it('rejects an unknown command', async () => {
    expect(await main(['frobnicate'])).toBe(2);
    expect(output.join('\n')).toMatch(/unknown command 'frobnicate'/);
  });

  it('rejects a non-numeric seed and an unknown option', async () => {
    expect(await main(['sim', '--seed', 'abc'])).toBe(2);
    expect(output.join('\n')).toMatch(/--seed <n>' argument 'abc' is invalid\. must be a seed from 0 to 4294967295/);
    expect(await main(['sweep', '--sedes', '3'])).toBe(2);
    expect(output.join('\n')).toMatch(/unknown option '--sedes' \(Did you mean --seeds\?\)/);
  });

  it('rejects an unknown variant, listing the known ones', async () => {
    expect(await main(['sim', '--variant', 'nope'])).toBe(2);
    expect(output.join('\n')).toMatch(/unknown variant 'nope'; known variants: kraft, /);
  });

  it('--model takes replication or quorum and must fit the variant; --unclean needs replication', async () => {
    expect(await main(['sim', '--model', 'raft'])).toBe(2);
    expect(output.join('\n')).toMatch(/argument 'raft' is invalid\. Allowed choices are replication, quorum/);
    expect(await main(['sim', '--model', 'quorum', '--variant', 'truncate-to-high-watermark'])).toBe(2);
    expect(output.join('\n')).toMatch(/variant 'truncate-to-high-watermark' is about replication/);
    expect(await main(['sweep', '--model', 'quorum', '--unclean', '--seeds', '1'])).toBe(2);
    expect(output.join('\n')).toMatch(/--unclean is a topic config/);
  });

  it('sim runs the replication model by default and prints every replication clause', async () => {
    expect(await main(['sim', '--seed', '3'])).toBe(0);
    const text = output.join('\n');
    expect(text).toMatch(/^seed=3 variant=kraft controllers=\d brokers=\d topic=user_activity/);
    for (const id of ['REPL-ISR-1', 'REPL-LOG-1', 'REPL-ACK-1', 'REPL-LIVE-1']) expect(text).toMatch(new RegExp(`PASS ${id} `));
  }, 30_000);

  it('variants lists one variant a line', async () => {
    expect(await main(['variants'])).toBe(0);
    expect(output[0]).toMatch(/^kraft\s+KRaft as Kafka implements it/);
    expect(output.length).toBeGreaterThanOrEqual(3);
  });

  it('reports a malformed trace file by line and field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kspec-'));
    const file = join(dir, 'bad.jsonl');
    writeFileSync(file, '{"kind":"header","version":1}\n');
    expect(await main(['sim', '--replay', file])).toBe(2);
    expect(output.join('\n')).toMatch(/line 1: a trace of format version 1: this kspec reads version 2/);
    expect(await main(['sim', '--replay', join(dir, 'missing.jsonl')])).toBe(2);
    expect(output.join('\n')).toMatch(/cannot read trace/);
  });

  it('reports a malformed scenario by line and field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kspec-'));
    const file = join(dir, 'bad.txt');
    writeFileSync(file, 'cluster voters=3\n----\n3 voters, seed 1, variant kraft, network delay 5ms\n\ncrash nine\n----\n');
    expect(await main(['scenario', file])).toBe(2);
    expect(output.join('\n')).toMatch(/line 5: command 'crash': field 'positional' is invalid \(got "nine"; expected 1 positional word/);
    writeFileSync(file, 'cluster voters=3\nrun ms=10\n');
    expect(await main(['scenario', file])).toBe(2);
    expect(output.join('\n')).toMatch(/line 1: command 'cluster voters=3' must be followed by a '----' line/);
    writeFileSync(file, 'teleport n1\n----\n');
    expect(await main(['scenario', file])).toBe(2);
    expect(output.join('\n')).toMatch(/unknown command 'teleport'/);
  });

  it('partition prints each key and its partition, and checks its input before printing', async () => {
    expect(await main(['partition', '--partitions', '6', '21', 'foobar', 'abc'])).toBe(0);
    expect(output).toEqual(['21\t0', 'foobar\t0', 'abc\t3']);
    output = [];
    expect(await main(['partition', '--partitions', '6', '--hex', 'ff', 'zz'])).toBe(2);
    expect(output.join('\n')).toMatch(/'zz' is not hex bytes/);
    expect(output.join('\n')).not.toMatch(/ff\t/);
    expect(await main(['partition', 'k'])).toBe(2);
    expect(output.join('\n')).toMatch(/required option '--partitions <n>' not specified/);
    expect(await main(['partition', '--partitions', '0', 'k'])).toBe(2);
  });
});
