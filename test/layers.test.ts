/**
 * The layers of docs/architecture.md, enforced: dependency-cruiser runs the rules of
 * .dependency-cruiser.cjs (protocol and log import nothing above them; machines never import the
 * node layer, the shells, conformance or the CLI; machine folders share code only through a lower
 * layer; the node layer imports no shell; sim and runtime never import each other; spec never
 * imports machines; no cycle in the lower layers) over the source, type-only imports included.
 */
import { describe, expect, it } from 'vitest';
import { cruise, type ICruiseResult } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';

const ROOTS = ['src', 'spec', 'bench', 'scripts', 'conformance'];

describe('layers', () => {
  it('no import runs against the layers', async () => {
    const options = await extractDepcruiseOptions('./.dependency-cruiser.cjs');
    const { output } = await cruise(ROOTS, { ...options, validate: true }, {}, { tsConfig: extractTSConfig('tsconfig.json') });
    const result = output as ICruiseResult;
    const violations = result.summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`);
    expect(violations).toEqual([]);
    // The cruise saw the tree (a misconfigured cruise passes by seeing nothing).
    expect(result.summary.totalCruised).toBeGreaterThan(150);
    expect(result.modules.some((m) => m.source === 'src/machines/broker/machine.ts' && m.dependencies.some((d) => d.resolved === 'src/common/metadata-image.ts'))).toBe(true);
  }, 30_000);
});
