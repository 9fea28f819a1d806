/**
 * The checkout's root directory, found by walking up from the running module to kspec's
 * package.json. The same answer whether the module runs as TypeScript under src/ or bundled into
 * dist/kspec.mjs (scripts/build-cli.mjs), where paths relative to the module would differ.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let found: string | undefined;

export function repoRoot(): string {
  if (found !== undefined) return found;
  let directory = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(directory, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'kspec') return (found = directory);
    const parent = dirname(directory);
    if (parent === directory) throw new Error('kspec: cannot find the checkout (no package.json named kspec above the running module)');
    directory = parent;
  }
}
