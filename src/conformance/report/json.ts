/**
 * The JSON report, schema kspec.conform/1: stable field names, an io-ts codec that both writes
 * and reads it (a CI step can decode a report and trust its shape).
 */
import * as t from 'io-ts';
import { isRight } from 'fp-ts/lib/Either.js';
import { PathReporter } from 'io-ts/lib/PathReporter.js';
import { apiByKey } from '../../protocol/wire/index.js';
import type { SuiteRun } from '../run.js';

const JsonValue: t.Type<unknown> = t.unknown;

export const OpCodec = t.intersection([
  t.type({ index: t.number, process: t.number, type: t.keyof({ invoke: null, ok: null, fail: null, info: null }), f: t.string, value: JsonValue, timeMs: t.number }),
  t.partial({ error: t.string, expect: t.array(t.string), source: t.string, clause: t.string }),
]);

export const AnomalyCodec = t.type({ name: t.string, clauseId: t.string, detail: t.string, ops: t.array(t.number) });

export const VerdictCodec = t.keyof({ pass: null, fail: null, unknown: null, 'not-applicable': null });

export const CheckReportCodec = t.type({
  id: t.string,
  suite: t.string,
  title: t.string,
  clauses: t.array(t.string),
  needs: t.array(t.string),
  verdict: VerdictCodec,
  reason: t.string,
  anomalies: t.array(AnomalyCodec),
  durationMs: t.number,
  history: t.array(OpCodec),
});

export const ConformReportCodec = t.type({
  schema: t.literal('kspec.conform/1'),
  target: t.string,
  seed: t.number,
  runId: t.string,
  startedAt: t.string,
  durationMs: t.number,
  apiVersionsVersion: t.number,
  apiVersions: t.array(t.type({ apiKey: t.number, name: t.string, minVersion: t.number, maxVersion: t.number })),
  counts: t.type({ pass: t.number, fail: t.number, unknown: t.number, 'not-applicable': t.number }),
  checks: t.array(CheckReportCodec),
});

export type ConformReport = t.TypeOf<typeof ConformReportCodec>;
export type Verdict = t.TypeOf<typeof VerdictCodec>;

export function countVerdicts(run: SuiteRun): Record<Verdict, number> {
  const counts: Record<Verdict, number> = { pass: 0, fail: 0, unknown: 0, 'not-applicable': 0 };
  for (const result of run.results) counts[result.verdict]++;
  return counts;
}

export function toReport(run: SuiteRun): ConformReport {
  return ConformReportCodec.encode({
    schema: 'kspec.conform/1',
    target: run.target, seed: run.seed, runId: run.runId, startedAt: run.startedAt, durationMs: run.durationMs, apiVersionsVersion: run.apiVersionsVersion,
    apiVersions: run.apiVersions.map((r) => ({ ...r, name: apiByKey(r.apiKey)?.name ?? `apiKey ${r.apiKey}` })),
    counts: countVerdicts(run),
    checks: run.results.map((r) => ({ ...r, clauses: [...r.clauses], needs: [...r.needs], anomalies: r.anomalies.map((a) => ({ ...a, ops: [...a.ops] })), history: r.history.map(({ expect, ...op }) => ({ ...op, ...(expect === undefined ? {} : { expect: [...expect] }) })) })),
  });
}

export function jsonReport(run: SuiteRun): string {
  return `${JSON.stringify(toReport(run), null, 2)}\n`;
}

/** Reads a report back; throws with the paths that do not fit the schema. */
export function parseReport(text: string): ConformReport {
  const decoded = ConformReportCodec.decode(JSON.parse(text));
  if (isRight(decoded)) return decoded.right;
  throw new Error(`not a kspec.conform/1 report: ${PathReporter.report(decoded).slice(0, 3).join('; ')}`);
}
