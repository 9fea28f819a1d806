/**
 * `npm run docs`: regenerate the machine pages under docs/machines/, the spec index, and the
 * documentation site under docs/site/ (HTML, SVG diagrams, and the typedoc API reference).
 * A test fails when the committed Markdown differs from what this writes; the site is not
 * committed: the tests build it (without the API reference) and check it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { machineDoc } from '../src/docs/machine-doc.js';
import { clauseRules } from './docs-clause-map.js';
import { discoverMachines } from './docs-machines.js';
import { machineTexts } from './docs-texts.js';
import { renderSpecIndex } from './spec-index.js';
import { allClauses } from '../spec/index.js';

const ROOT = join(fileURLToPath(import.meta.url), '..', '..');

/** The committed generated Markdown: one page per machine found under src/machines, and spec/INDEX.md. */
export async function generatedDocs(root = ROOT): Promise<Record<string, string>> {
  const docs: Record<string, string> = {};
  for (const m of await discoverMachines(root)) {
    const text = machineTexts[m.id];
    const mapped = allClauses.filter((c) => (clauseRules[c.id] ?? []).some((r) => r.machine === m.id));
    docs[`docs/machines/${m.name}.md`] = machineDoc(m.machine, {
      title: text?.title ?? `The ${m.id} machine`,
      summary: text?.summary ?? m.moduleSummary,
      clauses: text?.clauses ?? mapped,
    });
  }
  docs['spec/INDEX.md'] = renderSpecIndex();
  return docs;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { buildDocsSite } = await import('./docs-build.js');
  for (const [path, text] of Object.entries(await generatedDocs())) {
    mkdirSync(join(ROOT, path, '..'), { recursive: true });
    writeFileSync(join(ROOT, path), text);
    console.log(`wrote ${path}`);
  }
  await buildDocsSite({ root: ROOT, outDir: join(ROOT, 'docs', 'site'), api: !process.argv.includes('--no-api'), log: console.log });
}
