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
  'ack-below-min-isr': 'needs the ISR shrunk below min.insync.replicas and then a power loss of its one member (the lost acknowledged writes show the departure); the suite kills no broker without --faults process, and no fault of it loses a page cache',
  'range-drops-remainder': 'a KIP-848 server-side assignor: `kspec up` does not serve ConsumerGroupHeartbeat, so consumer-groups/member-epochs is not applicable',
};

const NO_KIP_320 = 'the variant serves Fetch and ListOffsets unfenced by the current leader epoch, as before KIP-320 (its description in src/variants.ts): a future epoch is answered NONE, not UNKNOWN_LEADER_EPOCH (Partition.checkCurrentLeaderEpoch)';

/**
 * Checks a variant fails although they do not name its clause: the variant is wrong in a second,
 * documented way (its description says so) that a check judges under another clause. Found by
 * `npm run conform:variants`; each with the reason.
 */
export const ALSO_FAILS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'truncate-to-high-watermark': { 'protocol/leader-epoch-fencing': NO_KIP_320 },
  'single-epoch-lookup': { 'protocol/leader-epoch-fencing': NO_KIP_320 },
  'no-epoch-fencing': { 'protocol/leader-epoch-fencing': NO_KIP_320 },
};

/**
 * The checks a variant could plausibly touch, by the family of the clause it breaks: the CI-sized
 * "fails its checks and nothing else" runs each variant against these (plus its must-fail ones);
 * `npm run conform:variants` against every check.
 */
export const NEIGHBOURS: Readonly<Record<string, readonly string[]>> = {
  QUORUM: ['protocol/metadata-consistency', 'log/produce-acks'],
  REPL: ['protocol/metadata-consistency', 'protocol/not-leader', 'protocol/leader-epoch-fencing', 'log/produce-acks', 'log/fetch-high-watermark', 'log/list-offsets'],
  PROD: ['log/produce-acks', 'idempotence/init-producer-id', 'idempotence/sequence-rules', 'idempotence/retry-after-lost-response'],
  CG: ['groups/join-sync', 'groups/generation-rules', 'groups/protocol-choice'],
  CGH: ['consumer-groups/member-epochs'],
  reference: ['protocol/metadata-consistency', 'log/produce-acks', 'idempotence/sequence-rules', 'groups/join-sync'],
};

/** The checks the CI-sized run gives a variant: its neighbours, its must-fail and also-fail checks. */
export function neighbourhood(expectation: VariantExpectation): string[] {
  const family = expectation.breaks === null ? 'reference' : expectation.breaks.split('-')[0]!;
  return [...new Set([...(NEIGHBOURS[family] ?? []), ...expectation.mustFail, ...Object.keys(expectation.alsoFails)])];
}

export interface VariantExpectation {
  readonly variant: string;
  readonly breaks: string | null;
  /** Checks that must fail: those naming the variant's clause. */
  readonly mustFail: readonly string[];
  /** Checks that must fail for another documented fault of the variant, with why (ALSO_FAILS). */
  readonly alsoFails: Readonly<Record<string, string>>;
  /** Set when no check can reach the clause in a short run: why. */
  readonly unreached?: string;
}

export function expectationFor(variant: Variant, checks: readonly Check[]): VariantExpectation {
  const unreached = UNREACHED[variant.name];
  // A variant listed as unreached may break a clause some checks name (ack-below-min-isr: REPL-ACK-1) without their short live runs reaching it;
  // a check that kills brokers runs only with --faults process, which the variant runs do not use.
  const mustFail = variant.breaks === null || unreached !== undefined ? [] : checks.filter((c) => c.clauses.includes(variant.breaks!) && c.needsProcessFaults !== true).map((c) => c.id);
  return { variant: variant.name, breaks: variant.breaks, mustFail, alsoFails: ALSO_FAILS[variant.name] ?? {}, ...(unreached === undefined ? {} : { unreached }) };
}

export function allExpectations(checks: readonly Check[]): VariantExpectation[] {
  return variants.map((v) => expectationFor(v, checks));
}

/** Where a run's verdicts depart from the expectation (empty: the suite judged the variant as it should). */
export function departures(expectation: VariantExpectation, verdicts: Readonly<Record<string, string>>): string[] {
  const found: string[] = [];
  for (const [id, verdict] of Object.entries(verdicts)) {
    const mustFail = expectation.mustFail.includes(id);
    const also = expectation.alsoFails[id];
    if (mustFail && verdict !== 'fail') found.push(`${id}: ${verdict}, must fail (it judges ${expectation.breaks})`);
    if (also !== undefined && verdict !== 'fail') found.push(`${id}: ${verdict}, must fail (${also})`);
    if (!mustFail && also === undefined && verdict !== 'pass' && verdict !== 'not-applicable') found.push(`${id}: ${verdict}, must pass (it does not judge ${expectation.breaks ?? 'any broken clause'})`);
  }
  return found;
}
