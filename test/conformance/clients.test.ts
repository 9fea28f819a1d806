/**
 * Client conformance (`kspec conform --client`): a real client's workload against a kspec cluster
 * with lost responses and a forced rebalance injected, judged by the client clauses. Each installed client must pass
 * every applicable check; a deliberately broken client (test/conformance/fixtures/broken-client.ts:
 * it reuses a sequence and commits a partition it does not own) must fail exactly those checks.
 * A client that is not installed is reported not applicable, saying why.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type ClientSpec, clientSpecs } from '../../src/conformance/clients/clients.js';
import { runClientConformance } from '../../src/conformance/clients/run.js';
import type { SuiteRun } from '../../src/conformance/run.js';

const verdicts = (run: SuiteRun) => Object.fromEntries(run.results.map((r) => [r.id, r.verdict]));
const anomalies = (run: SuiteRun, id: string) => [...new Set(run.results.find((r) => r.id === id)!.anomalies.map((a) => a.name))].sort();
const explain = (run: SuiteRun) => run.results.map((r) => `${r.id} ${r.verdict} ${r.reason} ${r.anomalies.map((a) => a.detail).join('; ')}`).join('\n');

const broken: ClientSpec = {
  name: 'broken', title: 'a client that reuses a sequence and commits a partition it does not own', unavailableReason: () => null, idempotent: true, rebalanceCallbacks: true,
  command: (args) => [process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./fixtures/broken-client.ts', import.meta.url)), ...args]],
};

describe('client conformance', () => {
  it('a client that reuses a sequence and commits a partition it does not own fails CLIENT-SEQ-1, CLIENT-ACK-1 and CLIENT-COMMIT-1', async () => {
    const run = await runClientConformance({ client: broken, seed: 1, faults: false, partitions: 2 });
    expect(verdicts(run), explain(run)).toMatchObject({ 'clients/idempotent-sequences': 'fail', 'clients/acknowledged-writes': 'fail', 'clients/commits-owned': 'fail' });
    expect(anomalies(run, 'clients/idempotent-sequences')).toEqual(['reused-sequence']);
    expect(anomalies(run, 'clients/acknowledged-writes')).toEqual(['lost-write']);
    expect(anomalies(run, 'clients/commits-owned')).toEqual(['unowned-commit']);
  }, 60_000);

  const librdkafka = clientSpecs.librdkafka;
  const reason = librdkafka.unavailableReason();
  it.skipIf(reason !== null)(`librdkafka (confluent-kafka-python) under lost responses holds every client clause${reason === null ? '' : ` (skipped: ${reason})`}`, async () => {
    const run = await runClientConformance({ client: librdkafka, seed: 1, faults: true, records: 30, timeoutMs: 150_000 });
    expect(verdicts(run), explain(run)).toEqual({
      'clients/idempotent-sequences': 'pass', 'clients/acknowledged-writes': 'pass', 'clients/commits-owned': 'pass', 'clients/resume-from-committed': 'pass', 'clients/rebalance-callbacks': 'pass',
    });
    expect((run as SuiteRun & { faultsInjected: number }).faultsInjected).toBeGreaterThan(0);
    // The forced rebalance happened under the client: a second member joined and left, and the
    // coordinator told the client so on its heartbeats.
    const forced = (run as SuiteRun & { rebalances: { joins: number; left: boolean; rebalanceInProgressAnswers: number } }).rebalances;
    expect(forced.joins).toBeGreaterThan(0);
    expect(forced.left).toBe(true);
    expect(forced.rebalanceInProgressAnswers).toBeGreaterThan(0);
  }, 180_000);

  const kafkajs = clientSpecs.kafkajs;
  it.skipIf(kafkajs.unavailableReason() !== null)('kafkajs under an outage gives a failed batch\'s sequence numbers to its next records: CLIENT-SEQ-1 reused-sequence, and those records are acknowledged at the old batch\'s offsets, never written (CLIENT-ACK-1)', async () => {
    const run = await runClientConformance({ client: kafkajs, seed: 1, faults: true, timeoutMs: 150_000 });
    expect(verdicts(run), explain(run)).toMatchObject({ 'clients/idempotent-sequences': 'fail', 'clients/acknowledged-writes': 'fail' });
    expect(anomalies(run, 'clients/idempotent-sequences')).toEqual(['reused-sequence']);
    expect(anomalies(run, 'clients/acknowledged-writes')).toContain('lost-write');
    // The reused sequence follows a send the client reported failed: the outage, not a retry.
    const history = run.results.find((r) => r.id === 'clients/idempotent-sequences')!.history;
    expect(history.some((op) => op.f === 'client:send-failed')).toBe(true);
  }, 180_000);

  it('a client that does not finish its workload proves nothing: its checks are unknown, never pass', async () => {
    // Its one report, an empty revoke before a first join, is valid on its own: judged alone it would pass.
    const hangs: ClientSpec = { ...broken, command: () => [process.execPath, ['-e', 'console.log(JSON.stringify({ event: "revoked", consumer: 1, partitions: [] })); setTimeout(() => {}, 60000)']] };
    const run = await runClientConformance({ client: hangs, seed: 1, faults: false, timeoutMs: 8000 });
    expect(run.results.map((r) => r.verdict)).toEqual(['unknown', 'unknown', 'unknown', 'unknown', 'unknown']);
    expect(run.results[0]!.reason).toMatch(/^the client exited -1/);
    expect(run.results[4]!.history.some((op) => op.f === 'client:revoked')).toBe(true);
  }, 60_000);

  it('a client that is not installed is not applicable, saying why', async () => {
    const run = await runClientConformance({ client: { ...broken, unavailableReason: () => 'not here' }, seed: 1, faults: false });
    expect(run.results.every((r) => r.verdict === 'not-applicable' && r.reason === 'skipped: not here')).toBe(true);
  });
});
