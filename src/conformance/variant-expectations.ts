/**
 * What the suite must find against each variant `kspec up --variant NAME` serves, derived from data:
 * each variant names the clause it breaks (src/variants.ts), each check the clauses it judges. The
 * checks naming the variant's clause must fail; every other check must pass (or be not applicable).
 * A variant whose clause no check names is listed in UNREACHED with the reason the suite's short
 * workloads against a healthy live cluster cannot reach it: said in data, never silently.
 */
import { type Variant, variants } from '../variants.js';
import type { Check } from './check.js';

/** Why the suite cannot break the variant's clause in a short run against a live cluster with no faults. */
export const UNREACHED: Readonly<Record<string, string>> = {
  'vote-without-log-check': 'a controller quorum clause: the suite speaks the client APIs only, and `kspec up` runs one controller (no election to get wrong)',
  'vote-twice': 'a controller quorum clause: the suite speaks the client APIs only, and `kspec up` runs one controller (no election to get wrong)',
  'truncate-to-high-watermark': 'needs a leader change while a follower lags (a crash); the suite kills no broker without --faults process',
  'single-epoch-lookup': 'needs two fast leader changes with divergent logs; the suite kills no broker without --faults process',
  'no-epoch-fencing': 'needs a stale leader and a follower reconciling with it (a partition of the network); not reachable through the client APIs',
  'elect-outside-isr': 'needs every ISR member down while an out-of-sync replica lives; the suite kills no broker without --faults process',
  'retention-past-high-watermark': 'needs retention to run while the high watermark lags the log end (a slow follower); the live cluster replicates in-process within milliseconds',
  'range-drops-remainder': 'a KIP-848 server-side assignor: `kspec up` does not serve ConsumerGroupHeartbeat, so consumer-groups/member-epochs is not applicable',
};

export interface VariantExpectation {
  readonly variant: string;
  readonly breaks: string | null;
  /** Checks that must fail: those naming the variant's clause. */
  readonly mustFail: readonly string[];
  /** Set when no check can reach the clause in a short run: why. */
  readonly unreached?: string;
}

export function expectationFor(variant: Variant, checks: readonly Check[]): VariantExpectation {
  // A check that kills brokers runs only with --faults process, which the variant runs do not use.
  const mustFail = variant.breaks === null ? [] : checks.filter((c) => c.clauses.includes(variant.breaks!) && c.needsProcessFaults !== true).map((c) => c.id);
  const unreached = UNREACHED[variant.name];
  return { variant: variant.name, breaks: variant.breaks, mustFail, ...(unreached === undefined ? {} : { unreached }) };
}

export function allExpectations(checks: readonly Check[]): VariantExpectation[] {
  return variants.map((v) => expectationFor(v, checks));
}

/** Where a run's verdicts depart from the expectation (empty: the suite judged the variant as it should). */
export function departures(expectation: VariantExpectation, verdicts: Readonly<Record<string, string>>): string[] {
  const found: string[] = [];
  for (const [id, verdict] of Object.entries(verdicts)) {
    const mustFail = expectation.mustFail.includes(id);
    if (mustFail && verdict !== 'fail') found.push(`${id}: ${verdict}, must fail (it judges ${expectation.breaks})`);
    if (!mustFail && verdict !== 'pass' && verdict !== 'not-applicable') found.push(`${id}: ${verdict}, must pass (it does not judge ${expectation.breaks ?? 'any broken clause'})`);
  }
  return found;
}
