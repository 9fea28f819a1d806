/**
 * `kspec docs`: bad usage is one line and exit 2 before any build starts; the typedoc entry points
 * the API reference is built from all exist and cover the machines and the node layer.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { existsSync } from 'node:fs';
import { main } from '../src/cli/main.js';
import { apiEntryPoints } from '../scripts/docs-api.js';

afterEach(() => vi.restoreAllMocks());

describe('kspec docs', () => {
  it('refuses --port without --serve, and a port that is not one, with one line and exit 2', async () => {
    const errors: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((line: string) => void errors.push(line));
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    expect(await main(['docs', '--port', '8081'])).toBe(2);
    expect(errors).toEqual(['kspec docs: --port needs --serve']);
    expect(await main(['docs', '--serve', '--port', '70000'])).toBe(2);
    expect(errors).toHaveLength(2);
    expect(errors[1]).toMatch(/^kspec docs: .*--port.*65535/);
    // Nothing was built: the build prints its page count first.
    expect(log).not.toHaveBeenCalled();
  });

  it('the API reference covers every machine module, the effects, the spec views and the node layer', () => {
    const machineFiles = ['src/machines/quorum/machine.ts', 'src/machines/replica/machine.ts'];
    const entries = apiEntryPoints(process.cwd(), machineFiles);
    for (const file of entries) expect(existsSync(file), file).toBe(true);
    expect(entries).toEqual(expect.arrayContaining([...machineFiles, 'src/machines/quorum/effects.ts', 'spec/replication/view.ts', 'src/cluster/broker-node.ts', 'src/cluster/actor-host.ts']));
    expect(entries.filter((f) => f.startsWith('src/cluster/')).every((f) => f.split('/').length === 3)).toBe(true);
  });
});
