/**
 * Builds the kspec command into plain JavaScript (dist/kspec.mjs and the sweep's worker), so that
 * `kspec` starts without compiling TypeScript on every call. bin/kspec.js calls it when a source
 * is newer than the build; `npm ci` runs it through the `prepare` script.
 *
 * Written in JavaScript, not TypeScript: it must run before anything can load TypeScript.
 * esbuild bundles our own modules into one file each and leaves packages from node_modules as
 * imports (their native parts — snappy, lz4, crc32 — cannot be bundled).
 */
import { mkdirSync, readdirSync, renameSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const BUNDLE = join(ROOT, 'dist', 'kspec.mjs');
const SWEEP_WORKER = join(ROOT, 'dist', 'sweep-worker.mjs');
/** What the build reads: a change to any of it makes the build stale. */
const SOURCES = ['src', 'spec', 'package.json', 'scripts/build-cli.mjs'];

function newestMtimeMs(path) {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (stat === undefined) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtimeMs(join(path, entry)));
  return newest;
}

/** True when there is no build, or a source changed after it was made. */
export function isStale() {
  const built = statSync(BUNDLE, { throwIfNoEntry: false });
  const worker = statSync(SWEEP_WORKER, { throwIfNoEntry: false });
  if (built === undefined || worker === undefined) return true;
  const sources = Math.max(...SOURCES.map((source) => newestMtimeMs(join(ROOT, source))));
  return sources > Math.min(built.mtimeMs, worker.mtimeMs);
}

/** Builds both outputs; each is written to a temporary name and renamed, so a concurrent reader never sees half a file. */
export async function buildCli() {
  const { build } = await import('esbuild');
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  const suffix = `.${process.pid}.tmp`;
  const common = {
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'error',
    // The sweep command finds its worker beside the bundle (see src/cli/commands/sweep.ts).
    define: { KSPEC_SWEEP_WORKER: JSON.stringify('./sweep-worker.mjs') },
  };
  await Promise.all([
    build({ ...common, entryPoints: [join(ROOT, 'src', 'cli', 'kspec.ts')], outfile: BUNDLE + suffix }),
    build({ ...common, entryPoints: [join(ROOT, 'src', 'sim', 'sweep-worker.ts')], outfile: SWEEP_WORKER + suffix }),
  ]);
  renameSync(SWEEP_WORKER + suffix, SWEEP_WORKER);
  renameSync(BUNDLE + suffix, BUNDLE);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    await buildCli();
  } catch (error) {
    console.error(`build-cli: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    process.exit(1);
  }
}
