/**
 * The pure layers (machines, protocol, common, cluster, core, log, spec) take time, randomness and I/O as
 * inputs: no wall clock, no Math.random, no timers, no I/O modules. docs/architecture.md; DESIGN.md, "The pure core".
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const PURE_DIRECTORIES = ['src/machines', 'src/protocol', 'src/common', 'src/cluster', 'src/core', 'src/log', 'spec'];
const FORBIDDEN: { pattern: RegExp; why: string }[] = [
  { pattern: /\bDate\.now\s*\(/, why: 'wall clock' },
  { pattern: /\bnew Date\s*\(/, why: 'wall clock' },
  { pattern: /\bperformance\.now\s*\(/, why: 'wall clock' },
  { pattern: /\bMath\.random\s*\(/, why: 'unseeded randomness' },
  { pattern: /\b(setTimeout|setInterval|setImmediate|queueMicrotask)\s*\(/, why: 'real timers' },
  { pattern: /\bfrom\s+['"](node:)?(fs|fs\/promises|net|http|https|dgram|child_process|worker_threads|os|process)['"]/, why: 'I/O module' },
  { pattern: /\bprocess\.(env|argv|stdout|stderr|exit|hrtime)/, why: 'process I/O' },
  { pattern: /\b(fromPromise|fromCallback|createActor)\s*\(/, why: 'machines are driven only through transition()' },
];
/**
 * Lines allowed by name, each with its reason. transition.ts builds, once per machine, the inert
 * actor that XState's own transition() builds on every call: never started, it runs nothing.
 */
const ALLOWED = new Set(['src/machines/transition.ts:  const self = createActor(machine);']);

function sourceFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('the pure layers use no wall clock, randomness, timers or I/O', () => {
  for (const directory of PURE_DIRECTORIES) {
    it(`${directory} is pure`, () => {
      const leaks: string[] = [];
      for (const file of sourceFiles(directory)) {
        readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
          if (/^\s*(\/\/|\*)/.test(line) || ALLOWED.has(`${file}:${line}`)) return;
          for (const { pattern, why } of FORBIDDEN) if (pattern.test(line)) leaks.push(`${file}:${i + 1} ${why}: ${line.trim()}`);
        });
      }
      expect(leaks).toEqual([]);
    });
  }

  it('the check itself catches a leak', () => {
    const line = 'const t = Date.now();';
    expect(FORBIDDEN.some(({ pattern }) => pattern.test(line))).toBe(true);
  });
});
