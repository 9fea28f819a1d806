/**
 * Every scenario's trace replays identically (`kspec sim --replay`): about 30 s, so `npm run
 * test:long` runs it; test/trace/scenario-replay.test.ts keeps the three that did not replay before.
 */
import { expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { scenarioTraceText } from '../../src/trace/session.js';
import { replayTraceText } from '../../src/trace/replay.js';

it('every scenario', () => {
  const files = ['scenarios/quorum', 'scenarios/replication', 'scenarios/producer', 'scenarios/groups'].flatMap((d) =>
    readdirSync(d)
      .filter((f) => f.endsWith('.txt'))
      .map((f) => join(d, f)),
  );
  const failing = files.filter((file) => !replayTraceText(scenarioTraceText(readFileSync(file, 'utf8'))).identical);
  expect(failing).toEqual([]);
}, 300_000);
