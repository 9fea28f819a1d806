/**
 * `npm run fuzz -- --frames N --seed S [--from I]`: feed the wire decoders mutated frames.
 *
 * For every API, version and direction the schemas define, valid frames come from the schema's
 * own arbitraries (arbitraryBody) and from the captured corpus (test/fixtures/wire-corpus); each
 * fuzzed frame is one of them after one to three mutations: bit flips, truncation, length
 * inflation (a size or count field set huge or negative), a splice of two frames, inserted or
 * deleted bytes. Decoding must either succeed (and then the value must re-encode) or throw a
 * WireDecodeError. A crash is anything else: another exception, a frame slower than a bound,
 * heap past a bound, or (from the command line) a hang, which a watchdog thread reports with the
 * frame's bytes before it kills the process.
 *
 * Frame I of seed S depends on (S, I) alone, so `--seed S --from I --frames 1` replays it.
 * Exit codes: 0 no crash, 1 a crash, 2 bad arguments.
 */
import { existsSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import fc from 'fast-check';
import { Random, hashString } from '../src/core/prng.js';
import {
  apis,
  arbitraryBody,
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeResponse,
  WireDecodeError,
  WireEncodeError,
} from '../src/protocol/wire/index.js';

const ROOT = join(fileURLToPath(import.meta.url), '..', '..');
const CORPUS_DIR = join(ROOT, 'test', 'fixtures', 'wire-corpus');

export type Direction = 'request' | 'response';

export interface Target {
  readonly apiKey: number;
  readonly apiVersion: number;
  readonly direction: Direction;
}

/** The decoders under test; the real ones by default (a test injects a broken one). */
export interface Codec {
  decode(target: Target, frame: Uint8Array): unknown;
  reencode(target: Target, decoded: unknown): void;
}

export const wireCodec: Codec = {
  decode: (target, frame) =>
    target.direction === 'request' ? decodeRequest(frame) : decodeResponse(target.apiKey, target.apiVersion, frame),
  reencode: (target, decoded) => {
    const { header, body } = decoded as { header: never; body: unknown };
    if (target.direction === 'request') encodeRequest(header, body);
    else encodeResponse(target.apiKey, target.apiVersion, header, body);
  },
};

export interface Crash {
  readonly frameIndex: number;
  readonly target: string;
  readonly mutations: readonly string[];
  readonly what: string;
  readonly hex: string;
}

export interface FuzzReport {
  readonly seed: number;
  readonly from: number;
  readonly frames: number;
  readonly elapsedMs: number;
  readonly decoded: number;
  readonly errorsByKind: Record<string, number>;
  /** Decoded values the encoder refused (a WireEncodeError): not a crash, but worth a look. */
  readonly reencodeRefused: number;
  readonly reencodeRefusedExamples: readonly Crash[];
  readonly crashes: readonly Crash[];
  readonly targets: number;
}

export interface FuzzOptions {
  readonly seed: number;
  readonly frames: number;
  readonly from?: number;
  /** Only these API keys (all by default). */
  readonly apiKeys?: readonly number[];
  readonly codec?: Codec;
  /** A frame whose decode takes longer than this is a crash ('slow'). */
  readonly slowFrameMs?: number;
  /** Heap (plus array buffers) grown past this since the start is a crash ('heap'). */
  readonly heapGrowthBytes?: number;
  /** Called before each decode with the frame (the watchdog keeps it). */
  readonly beforeDecode?: (frameIndex: number, frame: Uint8Array) => void;
  readonly corpus?: boolean;
}

const SEEDS_PER_TARGET = 3;
const MAX_CRASHES_KEPT = 20;

export function allTargets(apiKeys?: readonly number[]): Target[] {
  const targets: Target[] = [];
  for (const api of apis) {
    if (apiKeys !== undefined && !apiKeys.includes(api.apiKey)) continue;
    for (let v = api.minVersion; v <= api.maxVersion; v++) {
      targets.push({ apiKey: api.apiKey, apiVersion: v, direction: 'request' });
      targets.push({ apiKey: api.apiKey, apiVersion: v, direction: 'response' });
    }
  }
  return targets;
}

function targetName(t: Target): string {
  return `${apis.find((a) => a.apiKey === t.apiKey)?.name ?? t.apiKey} v${t.apiVersion} ${t.direction}`;
}

/** The captured frames of each target, read once. */
function corpusFrames(): Map<string, Uint8Array[]> {
  const byTarget = new Map<string, Uint8Array[]>();
  const indexPath = join(CORPUS_DIR, 'index.json');
  if (!existsSync(indexPath)) return byTarget;
  const index = JSON.parse(readFileSync(indexPath, 'utf8')) as {
    entries: { apiKey: number; apiVersion: number; request: string; response: string | null }[];
  };
  const add = (key: string, file: string): void => {
    const list = byTarget.get(key) ?? [];
    list.push(new Uint8Array(readFileSync(join(CORPUS_DIR, file))));
    byTarget.set(key, list);
  };
  for (const e of index.entries) {
    add(`${e.apiKey}/${e.apiVersion}/request`, e.request);
    if (e.response !== null) add(`${e.apiKey}/${e.apiVersion}/response`, e.response);
  }
  return byTarget;
}

/** Valid frames of one target: a few from the schema's arbitraries, and the captured ones. */
export class SeedPool {
  private readonly cache = new Map<string, Uint8Array[]>();
  constructor(
    private readonly seed: number,
    private readonly corpus: Map<string, Uint8Array[]>,
  ) {}

  framesOf(target: Target): Uint8Array[] {
    const key = `${target.apiKey}/${target.apiVersion}/${target.direction}`;
    let frames = this.cache.get(key);
    if (frames === undefined) {
      frames = [...this.generated(target, key), ...(this.corpus.get(key) ?? [])];
      this.cache.set(key, frames);
    }
    return frames;
  }

  private generated(target: Target, key: string): Uint8Array[] {
    const bodies = fc.sample(arbitraryBody(target.apiKey, target.apiVersion, target.direction), {
      seed: (this.seed ^ hashString(key)) | 0,
      numRuns: SEEDS_PER_TARGET,
    });
    return bodies.map((body, i) =>
      target.direction === 'request'
        ? encodeRequest({ requestApiKey: target.apiKey, requestApiVersion: target.apiVersion, correlationId: i + 1, clientId: 'fuzz' }, body)
        : encodeResponse(target.apiKey, target.apiVersion, { correlationId: i + 1 }, body),
    );
  }
}

/**
 * A fresh copy with its own buffer. Not frame.slice(): the encoder may hand out a node Buffer, whose
 * slice() is a view into a shared pool, and a DataView over its .buffer then writes elsewhere.
 */
function copy(frame: Uint8Array): Uint8Array {
  return new Uint8Array(frame);
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

type Mutation = (frame: Uint8Array, rng: Random, other: () => Uint8Array) => Uint8Array;

/** Values that make a length, count or varint lie: huge, negative, just past the end. */
const LIES_INT32 = [0x7fffffff, -2, -0x80000000, 0x10000, 0xffff];
const LIES_INT16 = [0x7fff, -2, -0x8000, 0x100];

const MUTATIONS: Record<string, Mutation> = {
  bitflip(frame, rng) {
    const out = copy(frame);
    for (let n = rng.int(1, 4); n > 0 && out.length > 0; n--) out[rng.int(0, out.length - 1)]! ^= 1 << rng.int(0, 7);
    return out;
  },
  truncate(frame, rng) {
    return copy(frame.subarray(0, rng.int(0, Math.max(0, frame.length - 1))));
  },
  inflateInt32(frame, rng) {
    if (frame.length < 4) return frame;
    const out = copy(frame);
    view(out).setInt32(rng.int(0, out.length - 4), rng.pick(LIES_INT32));
    return out;
  },
  inflateInt16(frame, rng) {
    if (frame.length < 2) return frame;
    const out = copy(frame);
    view(out).setInt16(rng.int(0, out.length - 2), rng.pick(LIES_INT16));
    return out;
  },
  inflateVarint(frame, rng) {
    // An unsigned varint of 0xffffffff (or longer than 5 bytes) where a compact length may be.
    const at = rng.int(0, frame.length);
    const lie = rng.chance(0.5) ? [0xff, 0xff, 0xff, 0xff, 0x0f] : [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
    const out = new Uint8Array(frame.length + lie.length);
    out.set(frame.subarray(0, at));
    out.set(lie, at);
    out.set(frame.subarray(at), at + lie.length);
    return rng.chance(0.5) ? out : copy(out.subarray(0, frame.length));
  },
  splice(frame, rng, other) {
    const donor = other();
    const cut = rng.int(0, frame.length);
    const from = rng.int(0, donor.length);
    const out = new Uint8Array(cut + donor.length - from);
    out.set(frame.subarray(0, cut));
    out.set(donor.subarray(from), cut);
    return out;
  },
  insertBytes(frame, rng) {
    const at = rng.int(0, frame.length);
    const extra = Array.from({ length: rng.int(1, 8) }, () => rng.int(0, 255));
    const out = new Uint8Array(frame.length + extra.length);
    out.set(frame.subarray(0, at));
    out.set(extra, at);
    out.set(frame.subarray(at), at + extra.length);
    return out;
  },
  deleteBytes(frame, rng) {
    if (frame.length === 0) return frame;
    const at = rng.int(0, frame.length - 1);
    const n = rng.int(1, Math.min(8, frame.length - at));
    const out = new Uint8Array(frame.length - n);
    out.set(frame.subarray(0, at));
    out.set(frame.subarray(at + n), at);
    return out;
  },
};
const MUTATION_NAMES = Object.keys(MUTATIONS);

export interface FuzzedFrame {
  readonly target: Target;
  readonly mutations: string[];
  readonly frame: Uint8Array;
}

/** Frame `index` of a run: a function of (seed, index) alone, whatever ran before it. */
export function fuzzedFrame(seed: number, index: number, targets: readonly Target[], pool: SeedPool): FuzzedFrame {
  const rng = Random.stream(seed, `frame-${index}`);
  // Round robin over targets so that a short run still visits each API and version.
  const target = targets[index % targets.length]!;
  const seeds = pool.framesOf(target);
  let frame = rng.pick(seeds);
  const other = (): Uint8Array => (rng.chance(0.5) ? rng.pick(seeds) : rng.pick(pool.framesOf(rng.pick(targets))));
  const mutations: string[] = [];
  for (let n = rng.int(1, 3); n > 0; n--) {
    const name = rng.pick(MUTATION_NAMES);
    mutations.push(name);
    frame = MUTATIONS[name]!(frame, rng, other);
  }
  return { target, mutations, frame };
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

function memoryBytes(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

export function runFuzz(options: FuzzOptions): FuzzReport {
  const { seed, frames } = options;
  const from = options.from ?? 0;
  const codec = options.codec ?? wireCodec;
  const slowFrameMs = options.slowFrameMs ?? 250;
  const heapGrowthBytes = options.heapGrowthBytes ?? 512 * 1024 * 1024;
  const targets = allTargets(options.apiKeys);
  if (targets.length === 0) throw new Error('no API to fuzz');
  const pool = new SeedPool(seed, options.corpus === false ? new Map() : corpusFrames());
  const errorsByKind: Record<string, number> = {};
  const crashes: Crash[] = [];
  let decoded = 0;
  let reencodeRefused = 0;
  const reencodeRefusedExamples: Crash[] = [];
  const baseline = memoryBytes();
  const started = performance.now();
  const crash = (i: number, f: FuzzedFrame, what: string): void => {
    if (crashes.length < MAX_CRASHES_KEPT) crashes.push({ frameIndex: i, target: targetName(f.target), mutations: f.mutations, what, hex: hex(f.frame) });
  };
  for (let i = from; i < from + frames; i++) {
    const f = fuzzedFrame(seed, i, targets, pool);
    options.beforeDecode?.(i, f.frame);
    const t0 = performance.now();
    let value: unknown;
    let ok = false;
    try {
      value = codec.decode(f.target, f.frame);
      ok = true;
    } catch (error) {
      if (error instanceof WireDecodeError) errorsByKind[error.kind] = (errorsByKind[error.kind] ?? 0) + 1;
      else crash(i, f, `decode threw ${describeError(error)}`);
    }
    if (ok) {
      decoded++;
      try {
        codec.reencode(f.target, value);
      } catch (error) {
        if (error instanceof WireEncodeError) {
          if (++reencodeRefused <= 3) reencodeRefusedExamples.push({ frameIndex: i, target: targetName(f.target), mutations: f.mutations, what: describeError(error), hex: hex(f.frame) });
        }
        else crash(i, f, `re-encoding the decoded value threw ${describeError(error)}`);
      }
    }
    const ms = performance.now() - t0;
    if (ms > slowFrameMs) crash(i, f, `slow: ${ms.toFixed(0)} ms (bound ${slowFrameMs} ms)`);
    if ((i & 0xfff) === 0 && memoryBytes() - baseline > heapGrowthBytes) {
      crash(i, f, `heap grew ${((memoryBytes() - baseline) / 1048576).toFixed(0)} MB (bound ${heapGrowthBytes / 1048576} MB) by this frame`);
    }
  }
  return { seed, from, frames, elapsedMs: performance.now() - started, decoded, errorsByKind, reencodeRefused, reencodeRefusedExamples, crashes, targets: targets.length };
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

export function renderReport(r: FuzzReport): string {
  const lines = [
    `fuzz: seed ${r.seed}, frames ${r.from}..${r.from + r.frames - 1} over ${r.targets} API/version/direction targets`,
    `${r.frames} frames in ${(r.elapsedMs / 1000).toFixed(1)} s (${Math.round(r.frames / (r.elapsedMs / 1000))} frames/s)`,
    `decoded: ${r.decoded} (re-encode refused: ${r.reencodeRefused})`,
    `decode errors by kind: ${Object.entries(r.errorsByKind).sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}`,
    `crashes: ${r.crashes.length}`,
  ];
  lines.splice(3, 0, ...r.reencodeRefusedExamples.map((c) => `  refused: frame ${c.frameIndex} (${c.target}): ${c.what}`));
  for (const c of r.crashes) {
    lines.push(`  frame ${c.frameIndex} (${c.target}; ${c.mutations.join(', ')}): ${c.what}`);
    lines.push(`    bytes: ${c.hex}`);
    lines.push(`    replay: npm run fuzz -- --seed ${r.seed} --from ${c.frameIndex} --frames 1`);
  }
  return lines.join('\n');
}

/**
 * A watchdog thread: the fuzz loop leaves each frame in shared memory before decoding it; when
 * the loop stops moving for hangMs, the watchdog prints that frame (with fs.writeSync: the main
 * thread, which would forward a worker's output, is the one stuck) and kills the process.
 */
const MAX_WATCHED_BYTES = 1 << 20;
function startWatchdog(seed: number, hangMs: number): { watch: (i: number, frame: Uint8Array) => void; stop: () => void } {
  const shared = new SharedArrayBuffer(16 + MAX_WATCHED_BYTES);
  const header = new Int32Array(shared, 0, 4);
  const bytes = new Uint8Array(shared, 16);
  const worker = new Worker(
    `const { workerData } = require('node:worker_threads');
     const { writeSync } = require('node:fs');
     const header = new Int32Array(workerData.shared, 0, 4);
     const bytes = new Uint8Array(workerData.shared, 16);
     let last = -1, since = Date.now();
     setInterval(() => {
       const tick = Atomics.load(header, 0);
       if (tick !== last) { last = tick; since = Date.now(); return; }
       if (Date.now() - since < workerData.hangMs) return;
       const hex = Buffer.from(bytes.subarray(0, header[1])).toString('hex');
       writeSync(2, 'fuzz: CRASH hang: frame ' + header[2] + ' has not finished decoding after ' + workerData.hangMs + ' ms\\n' +
         '    bytes: ' + hex + '\\n    replay: npm run fuzz -- --seed ' + workerData.seed + ' --from ' + header[2] + ' --frames 1\\n');
       process.kill(process.pid, 'SIGKILL');
     }, Math.max(50, workerData.hangMs / 4)).unref();`,
    { eval: true, workerData: { shared, hangMs, seed } },
  );
  worker.unref();
  return {
    watch(i, frame) {
      const n = Math.min(frame.length, MAX_WATCHED_BYTES);
      bytes.set(frame.subarray(0, n));
      header[1] = n;
      header[2] = i;
      Atomics.add(header, 0, 1);
    },
    stop: () => void worker.terminate(),
  };
}

const USAGE = 'usage: npm run fuzz -- [--frames N] [--seed S] [--from I] [--api KEY,...] [--hang-ms MS]';

function cliNumber(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    writeSync(2, `fuzz: --${name} must be a non-negative integer, got '${value}'\n${USAGE}\n`);
    process.exit(2);
  }
  return Number(value);
}

function cli(argv: string[]): number {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { frames: { type: 'string' }, seed: { type: 'string' }, from: { type: 'string' }, api: { type: 'string' }, 'hang-ms': { type: 'string' } },
      strict: true,
    }));
  } catch (error) {
    console.error(`fuzz: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const seed = cliNumber(values.seed, 'seed', 1);
  const frames = cliNumber(values.frames, 'frames', 100_000);
  const from = cliNumber(values.from, 'from', 0);
  const hangMs = cliNumber(values['hang-ms'], 'hang-ms', 10_000);
  const apiKeys = values.api?.split(',').map((k) => cliNumber(k, 'api', 0));
  if (apiKeys !== undefined && allTargets(apiKeys).length === 0) {
    console.error(`fuzz: no known API among --api ${values.api}`);
    return 2;
  }
  const watchdog = startWatchdog(seed, hangMs);
  const report = runFuzz({ seed, frames, from, ...(apiKeys === undefined ? {} : { apiKeys }), beforeDecode: watchdog.watch });
  watchdog.stop();
  console.log(renderReport(report));
  return report.crashes.length === 0 ? 0 : 1;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = cli(process.argv.slice(2));
}
