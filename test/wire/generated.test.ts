/**
 * The committed codecs are what the generator makes of Kafka's schemas today: regenerate in
 * memory and compare file by file. Skipped where ../shared (Kafka's schema copy) is absent.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MESSAGE_DIR, GENERATED_DIR, generateAll, stripComments } from '../../scripts/gen-wire.js';

const schemasPresent = existsSync(DEFAULT_MESSAGE_DIR);

describe('the generated wire codecs', () => {
  it.skipIf(!schemasPresent)(`are fresh: npm run gen:wire changes nothing (needs Kafka's schemas at ${DEFAULT_MESSAGE_DIR})`, () => {
    const files = generateAll(DEFAULT_MESSAGE_DIR);
    const committed = readdirSync(GENERATED_DIR).sort();
    expect(committed).toEqual([...files.keys()].sort());
    const stale = [...files].filter(([name, text]) => readFileSync(join(GENERATED_DIR, name), 'utf8') !== text).map(([name]) => name);
    expect(stale).toEqual([]);
  });

  it('carry none of the schemas\' about texts', () => {
    const about = readdirSync(GENERATED_DIR).filter((name) => /"about"|about:/.test(readFileSync(join(GENERATED_DIR, name), 'utf8')));
    expect(about).toEqual([]);
  });

  it('the schema reader strips // comment lines, not // inside strings', () => {
    expect(JSON.parse(stripComments('// licence\n  // more\n{ "a": "http://x" }\n'))).toEqual({ a: 'http://x' });
  });
});
