/**
 * One build of the site, with its numbers: pages written, machines, clauses, scenarios, and the
 * time taken, so `npm run docs` and `kspec docs` report the same thing.
 */
import { join } from 'node:path';
import { buildApi } from './docs-api.js';
import { buildSite, type SiteResult } from './docs-site.js';
import { discoverMachines } from './docs-machines.js';

export interface BuildOptions {
  readonly root: string;
  readonly outDir: string;
  /** Build the typedoc API reference too (about half a minute). */
  readonly api: boolean;
  readonly log: (line: string) => void;
}

export async function buildDocsSite(options: BuildOptions): Promise<SiteResult & { siteMs: number; apiMs: number }> {
  const started = performance.now();
  const result = await buildSite({ root: options.root, outDir: options.outDir });
  const siteMs = Math.round(performance.now() - started);
  const html = result.files.filter((f) => f.endsWith('.html')).length;
  const svg = result.files.filter((f) => /^(machines|scenarios)\/.*\.svg$/.test(f)).length;
  options.log(`built ${options.outDir}: ${html} pages, ${svg} diagrams (${result.machines} machines, ${result.clauses} clauses, ${result.scenarios} scenarios, ${result.sources} source files) in ${siteMs} ms`);
  let apiMs = 0;
  if (options.api) {
    const apiStarted = performance.now();
    const machineFiles = [...new Set((await discoverMachines(options.root)).map((m) => m.file))];
    await buildApi(options.root, join(options.outDir, 'api'), machineFiles);
    apiMs = Math.round(performance.now() - apiStarted);
    options.log(`built ${join(options.outDir, 'api')}: the typedoc API reference in ${apiMs} ms`);
  }
  return { ...result, siteMs, apiMs };
}
