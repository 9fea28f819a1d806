/**
 * Every scenario script under scenarios/ reproduces its golden output exactly
 * (`npx kspec scenario FILE --update` rewrites it after an intended change).
 */
import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runScenarioFile } from '../src/cli/commands/scenario.js';

const files = ['scenarios/quorum', 'scenarios/replication', 'scenarios/producer', 'scenarios/groups'].flatMap((directory) => readdirSync(directory).filter((f) => f.endsWith('.txt')).sort().map((f) => join(directory, f)));

describe('scenario scripts match their golden output', () => {
  it('there are scenarios to run', () => expect(files.length).toBeGreaterThanOrEqual(10));
  for (const file of files) {
    it(file, () => {
      const outcome = runScenarioFile(file);
      expect(outcome.mismatches.join('\n\n')).toBe('');
    });
  }
});
