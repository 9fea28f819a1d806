/**
 * "Save this branch as a scenario": the stepper's run up to its cursor, forks and a scenario's
 * own calls included, becomes a script that `kspec scenario` runs (its steps are the golden
 * output) and that `kspec step` opens at the same state.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openForStepping, StepSession, scenarioTraceText } from '../../src/trace/session.js';
import { parseTraceFile } from '../../src/trace/format.js';
import { runScenarioFile } from '../../src/cli/commands/scenario.js';
import { parseScript, ScriptError } from '../../src/scenario/script.js';
import { BranchScenarioRunner } from '../../src/trace/branch-script.js';

const dir = mkdtempSync(join(tmpdir(), 'kspec-branch-'));
const write = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const sessionOf = (path: string): StepSession => {
  const { trace } = openForStepping(path);
  return new StepSession(trace.header, trace.steps);
};

describe('a branch saved as a scenario', () => {
  it('a forked quorum run: kspec scenario passes it, and it opens at the same step with the same machine states', () => {
    const session = sessionOf('scenarios/quorum/election.txt');
    session.goto(3);
    expect(session.take(1)).toMatch(/forks/);
    session.goto(8);
    const path = write('election-branch.txt', session.saveScenario('scenarios/quorum/election.txt'));
    const text = readFileSync(path, 'utf8');
    expect(text).toMatch(/^take 2$/m);
    expect(runScenarioFile(path).mismatches).toEqual([]);
    const reopened = sessionOf(path);
    reopened.goto(reopened.steps.length - 1);
    expect(reopened.steps.map((s) => s.step)).toEqual(session.steps.slice(0, session.cursor + 1).map((s) => s.step));
    expect(reopened.steps.find((s) => s.chosen === true)?.step).toBe(5);
    expect(reopened.view().machines).toEqual(session.view().machines);
  });

  it('a replication scenario saved past its own call (the admin client creating the topic) replays it at its time', () => {
    // A short script (the expected outputs are not compared when a scenario is opened for stepping).
    const source = write('create.txt', 'brokers n=1 seed=1\n----\n\ncreate-topic\n----\n');
    const session = sessionOf(source);
    const call = session.steps.findIndex((s) => (s.event as { kind?: string } | undefined)?.kind === 'call');
    expect(call).toBeGreaterThan(0);
    session.goto(call + 5);
    const path = write('failover-branch.txt', session.saveScenario(source));
    expect(readFileSync(path, 'utf8')).toMatch(/^call at=\d+ event=\{"kind":"call","call":"create"/m);
    expect(runScenarioFile(path).mismatches).toEqual([]);
    const reopened = sessionOf(path);
    reopened.goto(reopened.steps.length - 1);
    expect(reopened.view().machines).toEqual(session.view().machines);
  });

  it('a branch whose model no longer makes the saved steps fails kspec scenario, naming the command', () => {
    const session = sessionOf('scenarios/quorum/election.txt');
    session.goto(4);
    const text = session.saveScenario('election');
    // The script says the fourth step was another message: the run disagrees.
    const tampered = text.replace(/^step 4 t=(\d+)ms .*$/m, 'step 4 t=$1ms n3->n2 VoteResponse epoch=1 granted leader=none');
    expect(tampered).not.toBe(text);
    const outcome = runScenarioFile(write('tampered.txt', tampered));
    expect(outcome.mismatches).toHaveLength(1);
    expect(outcome.mismatches[0]).toMatch(/next count=5/);
  });

  it('bad commands are one clear line: no pending event N, a call the run cannot take, a script without branch', () => {
    const session = sessionOf('scenarios/quorum/election.txt');
    session.goto(2);
    const header = session.saveScenario('election').split('\n').find((l) => l.startsWith('branch '))!;
    const run = (script: string): string[] => {
      const runner = new BranchScenarioRunner();
      return parseScript(script).flatMap((block) => runner.execute(block));
    };
    expect(() => run(`${header}\n----\n\ntake 99\n----\n`)).toThrow(/no pending event 99 \(\d+ pending\)/);
    expect(() => run(`${header}\n----\n\ncall at=0 event={"kind":"nonsense"}\n----\n`)).toThrow(ScriptError);
    expect(() => run('next\n----\n')).toThrow(/must start with 'branch header=/);
    expect(() => run('branch header={"kind":"header"}\n----\n')).toThrow(/not a trace header/);
    expect(() => run(`${header}\n----\n\nnext count=2 speed=3\n----\n`)).toThrow(/takes no parameter 'speed'/);
  });

  it('a branch script opens in the stepper as the trace it makes', () => {
    const session = sessionOf('scenarios/quorum/election.txt');
    session.goto(5);
    const text = session.saveScenario('election');
    const trace = parseTraceFile(scenarioTraceText(text));
    expect(trace.steps.map((s) => s.step)).toEqual([1, 2, 3, 4, 5, 6]);
  });
});
