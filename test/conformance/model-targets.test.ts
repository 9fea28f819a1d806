/**
 * `--target sim` and `--target trace:FILE`: the checks judged by the clauses a model run judges.
 * The reference passes; a violated clause fails exactly the checks naming it; a trace the machines
 * do not reproduce (tampered) or cannot read is one line and exit 2.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { allChecks } from '../../src/conformance/checks/index.js';
import { TraceTargetError, replayTarget, resultsFromClauses, simulateReference } from '../../src/conformance/clause-targets.js';
import { chosenClusterOptions } from '../../src/sim/cluster/choices.js';
import type { ClusterOptions } from '../../src/sim/cluster/options.js';
import { ClusterSimulation } from '../../src/sim/cluster/simulation.js';
import { memoryTraceText } from '../../src/trace/write.js';
import { replicationClauses } from '../../spec/replication/clauses.js';
import { producerClauses } from '../../spec/producer/clauses.js';

/** A short run: the safety phase cut to one second of virtual time. */
const short = (options: ClusterOptions): ClusterOptions => ({ ...options, safetyPhaseMs: 1000 });

let output: string[] = [];
beforeEach(() => {
  output = [];
  vi.spyOn(console, 'log').mockImplementation((...a) => void output.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a) => void output.push(a.join(' ')));
});
afterEach(() => vi.restoreAllMocks());

describe('checks judged by clauses', () => {
  it('a violated clause fails the checks that name it, and only those; unjudged clauses make a check not applicable', () => {
    const results = resultsFromClauses(allChecks, { judged: [...replicationClauses, ...producerClauses], violations: ['PROD-DEDUP-1: offset 7 holds a retried batch twice'], note: '' });
    const failed = results.filter((r) => r.verdict === 'fail').map((r) => r.id);
    expect(failed).toEqual(allChecks.filter((c) => c.clauses.includes('PROD-DEDUP-1')).map((c) => c.id));
    expect(results.find((r) => r.id === 'idempotence/sequence-rules')?.anomalies[0]).toMatchObject({ clauseId: 'PROD-DEDUP-1', detail: 'offset 7 holds a retried batch twice' });
    expect(results.find((r) => r.id === 'protocol/api-versions')?.verdict).toBe('not-applicable');
    expect(results.find((r) => r.id === 'groups/join-sync')?.verdict).toBe('not-applicable');
  });
});

describe('--target sim', () => {
  it('the reference passes, and the same seed gives the same run', () => {
    const first = simulateReference(5, short);
    const again = simulateReference(5, short);
    expect(again.note).toBe(first.note);
    const results = resultsFromClauses(allChecks, first);
    expect(results.filter((r) => r.verdict === 'fail'), first.violations.join('\n')).toEqual([]);
    expect(results.filter((r) => r.verdict === 'pass').length).toBeGreaterThan(5);
  }, 60_000);
});

describe('--target trace:FILE', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kspec-conform-trace-'));
  const path = join(dir, 'run.jsonl');
  const options = short(chosenClusterOptions(11, { variant: 'kraft', maxSteps: 400_000, choices: { groupProtocol: 'classic', faults: true } }));
  const traced = new ClusterSimulation({ options, recordTrace: true }).run();
  writeFileSync(path, memoryTraceText('replication', traced.trace ?? [], traced.violations, true));

  it('a recorded run replays through the machines and is judged by the same clauses (exit 0)', async () => {
    expect(await main(['conform', '--target', `trace:${path}`])).toBe(0);
    expect(output.join('\n')).toMatch(/checks against trace:.*: \d+ pass, 0 fail/);
  }, 60_000);

  it('a tampered trace is one line and exit 2', async () => {
    const lines = readFileSync(path, 'utf8').split('\n');
    const at = lines.findIndex((line, i) => i > 5 && /"time":\d+/.test(line));
    lines[at] = lines[at]!.replace(/"time":(\d+)/, (_, t: string) => `"time":${Number(t) + 1}`);
    const tampered = join(dir, 'tampered.jsonl');
    writeFileSync(tampered, lines.join('\n'));
    expect(() => replayTarget(lines.join('\n'), tampered)).toThrow(TraceTargetError);
    expect(await main(['conform', '--target', `trace:${tampered}`])).toBe(2);
    expect(output).toEqual([expect.stringMatching(/^kspec conform: .*tampered.jsonl: the machines do not reproduce it at step \d+/)]);
  }, 60_000);

  it('a malformed or missing file is one line and exit 2', async () => {
    const malformed = join(dir, 'malformed.jsonl');
    writeFileSync(malformed, '{"not":"a trace"}\n');
    for (const target of [`trace:${malformed}`, `trace:${join(dir, 'absent.jsonl')}`, 'trace:']) {
      output = [];
      expect(await main(['conform', '--target', target]), target).toBe(2);
      expect(output, target).toHaveLength(1);
      expect(output[0]).toMatch(/^kspec conform: /);
    }
  });
});
