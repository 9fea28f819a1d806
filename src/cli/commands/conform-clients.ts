/**
 * `kspec conform --client kafkajs|librdkafka|kafka-python [--client ...]`: each real client's
 * workload against a kspec cluster started in this process for the run, with lost responses
 * injected by the broker (`--no-client-faults`: none), judged by the client clauses. One report
 * per client (console, and json/junit/html under --out/<client>/). A client that is not installed
 * is reported not applicable, saying why. Exit 0 when every applicable check passes, else 1.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../args.js';
import { CLIENT_NAMES, type ClientName, clientSpecs } from '../../conformance/clients/clients.js';
import { runClientConformance } from '../../conformance/clients/run.js';
import { checkLine, summaryLine } from '../../conformance/report/console.js';
import type { SuiteRun } from '../../conformance/run.js';

type ReportKind = 'console' | 'json' | 'junit' | 'html';

export interface ConformClientsOptions {
  readonly client: string[];
  readonly clientFaults?: boolean;
  readonly report: ReportKind[];
  readonly out: string;
  readonly seed: number;
}

export function parseClients(names: readonly string[]): ClientName[] {
  for (const name of names) if (!(CLIENT_NAMES as readonly string[]).includes(name)) throw new UsageError(`--client must be one of ${CLIENT_NAMES.join(', ')}, got '${name}'`);
  return [...new Set(names)] as ClientName[];
}

export async function conformClients(options: ConformClientsOptions, writeReports: (run: SuiteRun, kinds: readonly ReportKind[], outDir: string) => string[]): Promise<number> {
  const clients = parseClients(options.client);
  let failed = false;
  for (const name of clients) {
    const run = await runClientConformance({ client: clientSpecs[name], seed: options.seed, faults: options.clientFaults !== false });
    if (options.report.includes('console')) {
      console.log(`${name}: ${clientSpecs[name].title}`);
      for (const result of run.results) console.log(checkLine(result));
      const injected = run as SuiteRun & { faultsInjected?: number; rebalances?: { joins: number; left: boolean; skipped?: string; rebalanceInProgressAnswers: number } };
      const forced = injected.rebalances === undefined ? '' : injected.rebalances.skipped !== undefined ? `; no rebalance forced (${injected.rebalances.skipped})` : `; a second member joined ${injected.rebalances.joins} join phase(s)${injected.rebalances.left ? ' and left' : ''}, ${injected.rebalances.rebalanceInProgressAnswers} heartbeat(s) answered REBALANCE_IN_PROGRESS`;
      console.log(`${summaryLine(run)}; ${injected.faultsInjected ?? 0} responses lost on purpose${forced}\n`);
    }
    for (const path of writeReports(run, options.report, join(options.out, name))) console.log(`wrote ${path}`);
    console.log(`wrote ${saveBrokerTrace(run, join(options.out, name))}`);
    failed ||= run.results.some((r) => r.verdict === 'fail' || r.verdict === 'unknown');
  }
  return failed ? 1 : 0;
}

/**
 * What the brokers saw the client send and answered (the gateway tap), and what the client
 * reported, one operation a line: the evidence a finding about the client is judged from.
 */
function saveBrokerTrace(run: SuiteRun, outDir: string): string {
  mkdirSync(outDir, { recursive: true });
  const path = join(outDir, 'broker-trace.jsonl');
  const history = run.results.find((r) => r.history.length > 0)?.history ?? [];
  writeFileSync(path, history.map((op) => JSON.stringify(op)).join('\n') + (history.length > 0 ? '\n' : ''));
  return path;
}
