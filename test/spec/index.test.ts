import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { renderSpecIndex } from '../../scripts/spec-index.js';
import { allClauses } from '../../spec/index.js';

describe('the spec index', () => {
  it('is up to date (run `npm run spec:index` after changing clauses or tests)', () => {
    expect(readFileSync('spec/INDEX.md', 'utf8')).toBe(renderSpecIndex());
  });

  it('clause ids are unique and every clause is exercised by some test or scenario', () => {
    const ids = allClauses.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(renderSpecIndex()).not.toMatch(/\*\*none\*\*/);
  });
});
