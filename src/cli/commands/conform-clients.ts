/**
 * `kspec conform --client kafkajs|librdkafka|kafka-python [--client ...]`: each real client's
 * workload against a kspec cluster started in this process for the run, with lost responses
 * injected by the broker (`--no-client-faults`: none), judged by the client clauses. One report
 * per client (console, and json/junit/html under --out/<client>/). A client that is not installed
 * is reported not applicable, saying why. Exit 0 when every applicable check passes, else 1.
 */
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
      console.log(`${summaryLine(run)}; ${(run as SuiteRun & { faultsInjected?: number }).faultsInjected ?? 0} responses lost on purpose\n`);
    }
    for (const path of writeReports(run, options.report, join(options.out, name))) console.log(`wrote ${path}`);
    failed ||= run.results.some((r) => r.verdict === 'fail' || r.verdict === 'unknown');
  }
  return failed ? 1 : 0;
}
