/**
 * Every scenario's trace replays with `kspec sim --replay`: the events a script applies that are
 * no queue item (its faults and calls, in a run that keeps its random workload; its message
 * filters) are steps marked `injected`, and a halted run still lets a script's time pass.
 * The three scripts below did not replay before; test/long/scenario-replay.test.ts replays every scenario.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { scenarioTraceText } from '../../src/trace/session.js';
import { replayTraceText } from '../../src/trace/replay.js';

const replayOf = (file: string): ReturnType<typeof replayTraceText> => replayTraceText(scenarioTraceText(readFileSync(file, 'utf8')));

/** The trace's lines with `edit` applied to the first step line that `pick` selects. */
function tampered(text: string, pick: (step: Record<string, unknown>) => boolean, edit: (step: Record<string, unknown>) => void): string {
  const lines = text.split('\n');
  const index = lines.findIndex(
    (line) => line.startsWith('{') && (JSON.parse(line) as { kind: string }).kind === 'step' && pick(JSON.parse(line) as Record<string, unknown>),
  );
  expect(index).toBeGreaterThan(0);
  const step = JSON.parse(lines[index] as string) as Record<string, unknown>;
  edit(step);
  lines[index] = JSON.stringify(step);
  return lines.join('\n');
}

describe('scenario traces replay', () => {
  it('a quorum script that drops every FetchRequest: the filter is a step, in force from its time', () => {
    const text = scenarioTraceText(readFileSync('scenarios/quorum/check-quorum.txt', 'utf8'));
    expect(text).toMatch(/"call":"drop","messageType":"FetchRequest"/);
    expect(replayTraceText(text)).toMatchObject({ identical: true });
    // Without the filter step the leader hears its followers and never resigns: the replay says where it parts.
    const unfiltered = tampered(
      text,
      (s) => (s['event'] as { call?: string } | undefined)?.call === 'drop',
      (s) => {
        s['event'] = { kind: 'call', call: 'clear-drops' };
      },
    );
    expect(replayTraceText(unfiltered)).toMatchObject({ identical: false });
  });

  it("a pinned counterexample (the exploration's workload, the script's cut and crash): the faults are injected at their times", () => {
    const text = scenarioTraceText(readFileSync('scenarios/replication/truncate-to-high-watermark.txt', 'utf8'));
    expect(replayTraceText(text)).toMatchObject({ identical: true, violations: [expect.stringMatching(/^REPL-/)] });
    // The same line not marked injected is a fault the run's queue does not hold.
    const unmarked = tampered(
      text,
      (s) => s['injected'] === true,
      (s) => {
        delete s['injected'];
      },
    );
    expect(replayTraceText(unmarked)).toMatchObject({ identical: false, difference: expect.stringMatching(/fault (one-way|crash) is not what the run takes next/) });
  });

  it("a script that runs on past the violation: the halted run lets the script's time pass", () => {
    expect(replayOf('scenarios/replication/no-epoch-fencing.txt')).toMatchObject({ identical: true });
  });

});
