/** `kspec conform`: exit 2 with one line for bad usage or an unreachable target; --list; exit 1 when a check fails. */
import { createServer } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { allChecks } from '../../src/conformance/checks/index.js';
import { mockUnavailableReason, startMock } from '../../src/conformance/mockcluster.js';

let output: string[] = [];
beforeEach(() => {
  output = [];
  vi.spyOn(console, 'log').mockImplementation((...a) => void output.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a) => void output.push(a.join(' ')));
});
afterEach(() => vi.restoreAllMocks());

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('kspec conform', () => {
  it('bad usage is one line and exit 2', async () => {
    for (const args of [['conform'], ['conform', '--target', 'localhost:9092'], ['conform', '--target', 'kafka://h:1', '--report', 'pdf'], ['conform', '--target', 'kafka://h:1', '--suite', 'nope'], ['conform', '--target', 'kafka://h:1', '--seed', '-1']]) {
      output = [];
      expect(await main(args), args.join(' ')).toBe(2);
      expect(output, args.join(' ')).toHaveLength(1);
      expect(output[0]).toMatch(/^kspec conform: /);
    }
  });

  it('an unreachable target is one line and exit 2', async () => {
    const port = await closedPort();
    expect(await main(['conform', '--target', `kafka://127.0.0.1:${port}`])).toBe(2);
    expect(output).toEqual([expect.stringMatching(new RegExp(`^kspec conform: target unreachable: cannot connect to 127.0.0.1:${port}: .*ECONNREFUSED`))]);
  });

  it('--list prints every check of the chosen suites with its clauses and needs', async () => {
    expect(await main(['conform', '--list'])).toBe(0);
    const text = output.join('\n');
    for (const check of allChecks) expect(text).toContain(check.id);
    output = [];
    expect(await main(['conform', '--list', '--suite', 'idempotence'])).toBe(0);
    expect(output.join('\n')).toMatch(/idempotence\/sequence-rules +PROD-DEDUP-1, PROD-SEQ-1, PROD-IDEM-1\n.*\n +needs InitProducerId v0\+, Produce v3\+, Fetch v4-12/);
    expect(output.join('\n')).not.toContain('protocol/');
  });

  const unavailable = mockUnavailableReason();
  it.skipIf(unavailable !== null)(`exit 1 when a check fails (the mock's Metadata)${unavailable === null ? '' : ` (skipped: ${unavailable})`}`, async () => {
    const mock = await startMock({ brokers: 2 });
    try {
      expect(await main(['conform', '--target', mock.target, '--suite', 'protocol', '--run-id', 'cli'])).toBe(1);
      expect(output.join('\n')).toMatch(/^FAIL +protocol\/metadata-consistency/m);
      expect(output.join('\n')).toMatch(/8 checks against kafka:\/\/.*: \d+ pass, 2 fail, 0 unknown, 3 not applicable/);
    } finally {
      await mock.stop();
    }
  }, 30_000);
});
