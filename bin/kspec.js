#!/usr/bin/env node
// Runs the kspec command from its JavaScript build (dist/kspec.mjs), rebuilding it first when a
// source is newer (scripts/build-cli.mjs), so a checkout works without a build step and starts
// fast. If the build cannot be made, it runs the TypeScript through tsx's loader instead.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { constants } from 'node:os';
import { pathToFileURL } from 'node:url';
import { BUNDLE, ROOT, buildCli, isStale } from '../scripts/build-cli.mjs';

let built = true;
if (isStale()) {
  try {
    await buildCli();
  } catch {
    built = false;
  }
}

if (built) {
  await import(pathToFileURL(BUNDLE).href);
} else {
  // Ctrl-C reaches the child too (same process group): the child decides (a sweep prints its
  // partial summary), and this process waits for it instead of dying first.
  process.on('SIGINT', () => {});
  const result = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), join(ROOT, 'src', 'cli', 'kspec.ts'), ...process.argv.slice(2)], { stdio: 'inherit', cwd: process.cwd() });
  if (result.error !== undefined) {
    console.error(`kspec: cannot start node: ${result.error.message}`);
    process.exit(3);
  }
  process.exit(result.status ?? 128 + (constants.signals[result.signal] ?? 0));
}
