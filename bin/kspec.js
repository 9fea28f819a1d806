#!/usr/bin/env node
// Runs the TypeScript CLI through tsx's loader, so `npx kspec ...` works from a checkout without a build step.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { constants } from 'node:os';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// Ctrl-C reaches the child too (same process group): the child decides (a sweep prints its partial
// summary), and this process waits for it instead of dying first.
process.on('SIGINT', () => {});
const result = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), join(root, 'src', 'cli', 'kspec.ts'), ...process.argv.slice(2)], { stdio: 'inherit', cwd: process.cwd() });
if (result.error !== undefined) {
  console.error(`kspec: cannot start node: ${result.error.message}`);
  process.exit(3);
}
process.exit(result.status ?? 128 + (constants.signals[result.signal] ?? 0));
