#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so `npx kspec ...` works from a checkout without a build step.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');
const result = spawnSync(tsx, [join(root, 'src', 'cli', 'kspec.ts'), ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(result.status ?? 2);
