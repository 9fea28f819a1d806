/**
 * The suite proves itself against the known-broken variants `kspec up --variant NAME` serves: it
 * fails the checks that name the variant's clause, and nothing else. The mapping is data
 * (src/conformance/variant-expectations.ts): each check declares its clauses, each variant the
 * clause it breaks; a variant no check can reach says why there.
 *
 * In the suite: the data over every variant, and each reachable variant against its must-fail
 * checks live. KSPEC_CONFORM_VARIANTS=all runs the whole suite against every variant ("nothing
 * else"; minutes: `npm run conform:variants` prints the same as a table).
 */
import { describe, expect, it } from 'vitest';
import { allChecks } from '../../src/conformance/checks/index.js';
import { UNREACHED, allExpectations, departures } from '../../src/conformance/variant-expectations.js';
import { variants } from '../../src/variants.js';
import { evidence, suiteAgainstLive } from '../../src/conformance/live-kspec.js';

const expectations = allExpectations(allChecks);
const full = process.env['KSPEC_CONFORM_VARIANTS'] === 'all';

describe('the suite against each kspec variant', () => {
  it('every broken variant is either reached by a check naming its clause or says why not, never both', () => {
    for (const e of expectations) {
      if (e.breaks === null) continue;
      expect(e.mustFail.length > 0 || e.unreached !== undefined, `${e.variant} (${e.breaks}): no check names it and UNREACHED says nothing`).toBe(true);
      expect(e.mustFail.length > 0 && e.unreached !== undefined, `${e.variant}: reached by ${e.mustFail.join(', ')}, yet listed as unreached`).toBe(false);
    }
    for (const name of Object.keys(UNREACHED)) expect(variants.map((v) => v.name), `UNREACHED names ${name}`).toContain(name);
  });

  for (const expectation of expectations.filter((e) => full || e.mustFail.length > 0)) {
    const checks = full ? allChecks : allChecks.filter((c) => expectation.mustFail.includes(c.id));
    it(`${expectation.variant}: fails ${expectation.mustFail.join(', ') || 'nothing'}${full ? ' and nothing else' : ''}`, async () => {
      const { run, verdicts } = await suiteAgainstLive(expectation.variant, checks);
      expect(departures(expectation, verdicts), evidence(run)).toEqual([]);
    }, full ? 120_000 : 40_000);
  }
});
