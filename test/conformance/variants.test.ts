/**
 * The suite proves itself against the known-broken variants `kspec up --variant NAME` serves: it
 * fails the checks that name the variant's clause, and nothing else. The mapping is data
 * (src/conformance/variant-expectations.ts): each check declares its clauses, each variant the
 * clause it breaks; a variant no check can reach says why there.
 *
 * In the suite: the data over every variant, and every variant live against the checks it could
 * plausibly touch (its neighbourhood: the checks of its clause's family, its must-fail and
 * also-fail ones): it fails those it must and no other of them. KSPEC_CONFORM_VARIANTS=all runs the
 * whole suite against every variant (minutes: `npm run conform:variants` prints it as a table).
 */
import { describe, expect, it } from 'vitest';
import { allChecks } from '../../src/conformance/checks/index.js';
import { ALSO_FAILS, NEIGHBOURS, UNREACHED, allExpectations, departures, neighbourhood } from '../../src/conformance/variant-expectations.js';
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

  it('the also-fail and neighbour lists name real variants and checks', () => {
    const ids = allChecks.map((c) => c.id);
    for (const [variant, checks] of Object.entries(ALSO_FAILS)) {
      expect(variants.map((v) => v.name)).toContain(variant);
      for (const id of Object.keys(checks)) expect(ids, `${variant}: ${id}`).toContain(id);
    }
    for (const id of Object.values(NEIGHBOURS).flat()) expect(ids).toContain(id);
    for (const e of expectations) expect(neighbourhood(e).length, e.variant).toBeGreaterThan(0);
  });

  it('a departure is reported both ways: a must-fail check passing, and a neighbour failing', () => {
    const e = expectations.find((x) => x.variant === 'no-epoch-fencing')!;
    expect(departures(e, { 'protocol/leader-epoch-fencing': 'pass', 'log/produce-acks': 'fail' })).toEqual([
      expect.stringMatching(/^protocol\/leader-epoch-fencing: pass, must fail \(the variant serves Fetch/),
      expect.stringMatching(/^log\/produce-acks: fail, must pass/),
    ]);
  });

  for (const expectation of expectations) {
    const near = neighbourhood(expectation);
    const checks = full ? allChecks : allChecks.filter((c) => near.includes(c.id));
    const fails = [...expectation.mustFail, ...Object.keys(expectation.alsoFails)];
    it(`${expectation.variant}: fails ${fails.join(', ') || 'nothing'} and nothing else${full ? '' : ` of ${checks.length} checks near it`}`, async () => {
      const { run, verdicts } = await suiteAgainstLive(expectation.variant, checks);
      expect(departures(expectation, verdicts), evidence(run)).toEqual([]);
    }, full ? 120_000 : 60_000);
  }
});
