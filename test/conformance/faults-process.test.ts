/**
 * `kspec conform --faults process` against `kspec up --data-dir D` as a real process: the kill
 * template kill -9s it, the restart template starts it again on the same data directory and ports.
 * The whole cluster is one process today, so killing the leader of one partition kills them all;
 * the templates only name a pid file, so the same ones work for a process per broker
 * (`... node-{node}.pid`). Bad templates are one line and exit 2.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createServer } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { killRestartCheck } from '../../src/conformance/checks/process-faults.js';
import { ProcessFaults, TemplateError, fillTemplate, parseTemplate, runShell } from '../../src/conformance/faults/process.js';
import { runSuite } from '../../src/conformance/run.js';
import { parseTarget } from '../../src/conformance/target.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const kspec = path.join(root, 'bin', 'kspec.js');
const root0 = fs.mkdtempSync(path.join(os.tmpdir(), 'kspec-conform-process-'));
const pidFile = path.join(root0, 'kspec.pid');
/** Each run its own cluster: a data directory per port. */
const dataDirOf = (port: number) => path.join(root0, `p${port}`);

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Three consecutive free ports: `kspec up --port P` puts its brokers on P, P+1, P+2, and a restart must find them again. */
async function threeFreePorts(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
    if ((await portFree(base)) && (await portFree(base + 1)) && (await portFree(base + 2))) return base;
  }
  throw new Error('no three consecutive free ports');
}

function killByPidFile(): void {
  if (!fs.existsSync(pidFile)) return;
  spawnSync('/bin/sh', ['-c', `kill -9 $(cat '${pidFile}') 2>/dev/null`]);
}

afterAll(() => {
  killByPidFile();
  fs.rmSync(root0, { recursive: true, force: true });
});

/** Until `kspec up` has said it is up (it prints the bootstrap servers once the cluster is ready). */
async function up(port: number, deadlineMs: number): Promise<void> {
  const log = path.join(root0, `up-${port}.log`);
  const deadline = Date.now() + deadlineMs;
  while (!(fs.existsSync(log) && fs.readFileSync(log, 'utf8').includes('bootstrap servers:'))) {
    if (Date.now() > deadline) throw new Error(`kspec up is not up after ${deadlineMs} ms: ${fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : 'no log'}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('--faults process templates', () => {
  it('fills {node}, {host}, {port} and literal braces; refuses unknown placeholders and lone braces', () => {
    const parts = parseTemplate('--kill-cmd', "kill -9 $(cat /d/node-{node}.pid) # {host}:{port} {{x}}");
    expect(fillTemplate(parts, { node: 2, host: 'h', port: 9094 })).toBe('kill -9 $(cat /d/node-2.pid) # h:9094 {x}');
    expect(() => parseTemplate('--kill-cmd', 'kill {pid}')).toThrow(/unknown placeholder \{pid\}/);
    expect(() => parseTemplate('--kill-cmd', 'kill {node')).toThrow(/not closed/);
    expect(() => parseTemplate('--kill-cmd', 'kill node}')).toThrow(/lone "}"/);
    expect(() => new ProcessFaults(undefined, 'true')).toThrow(TemplateError);
    expect(() => new ProcessFaults('true', '  ')).toThrow(/--restart-cmd is empty/);
  });

  it('a failing command is reported with its exit status and last stderr line', async () => {
    await expect(runShell('echo broken >&2; exit 3')).rejects.toThrow(/exited 3: broken/);
    await expect(runShell('true')).resolves.toMatchObject({ exitCode: 0 });
  });

  it.each([
    [['--faults', 'process', '--restart-cmd', 'true'], /needs --kill-cmd/],
    [['--faults', 'process', '--kill-cmd', 'kill {pid}', '--restart-cmd', 'true'], /unknown placeholder \{pid\}/],
    [['--kill-cmd', 'true'], /go with --faults process/],
    [['--faults', 'process', '--kill-cmd', 'true', '--restart-cmd', 'true', '--target', 'sim'], /needs a kafka:\/\/ target/],
  ])('bad usage %j: one line, exit 2', async (args, message) => {
    const output: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...a) => void output.push(a.join(' ')));
    vi.spyOn(console, 'error').mockImplementation((...a) => void output.push(a.join(' ')));
    try {
      expect(await main(['conform', '--target', 'kafka://127.0.0.1:1', ...args])).toBe(2);
    } finally {
      vi.restoreAllMocks();
    }
    expect(output).toHaveLength(1);
    expect(output[0]).toMatch(message);
  });
});

/** Starts `kspec up` on the data directory through the restart template, and runs the check (one kill) with the given templates. */
async function againstKspecUp(port: number, kill: string, restart: string) {
  const faults = new ProcessFaults(kill, restart);
  await runShell(startCommand(port));
  await up(port, 30_000);
  const bootstrap = [0, 1, 2].map((i) => `127.0.0.1:${port + i}`).join(',');
  const run = await runSuite({ target: `kafka://${bootstrap}`, endpoints: parseTarget(`kafka://${bootstrap}`), seed: 3, runId: `proc${port}`, checks: [killRestartCheck(1)], processFaults: faults });
  return { faults, result: run.results[0]! };
}

const startCommand = (port: number) => `cd '${root}' && nohup '${process.execPath}' bin/kspec.js up --data-dir '${dataDirOf(port)}' --port ${port} --override offsets.topic.num.partitions=1 >>'${root0}/up-${port}.log' 2>&1 & echo $! >'${pidFile}'`;
const killCommand = `kill -9 $(cat '${pidFile}')`;

describe('--faults process against kspec up --data-dir as a real process', () => {
  it('kills and restarts the cluster under acks=all idempotent writes: no acknowledged write lost or duplicated', async () => {
    const port = await threeFreePorts();
    const { faults, result } = await againstKspecUp(port, killCommand, startCommand(port));
    expect(faults.failure).toBeUndefined();
    expect(result.verdict, `${result.reason} ${result.anomalies.map((a) => a.detail).join('; ')}`).toBe('pass');
    expect(faults.runs.map((r) => (r.command.startsWith('kill') ? 'kill' : 'restart'))).toEqual(['kill', 'restart']);
    const restarted = result.history.find((op) => op.f === 'restart-broker' && op.type === 'ok')!.index;
    expect(result.history.some((op) => op.f === 'produce' && op.type === 'ok' && op.index > restarted)).toBe(true);
    killByPidFile();
  }, 90_000);
});
