/**
 * `npm run bench`: simulator throughput — events (steps) per second and machine transitions per
 * second — for a 3- and a 5-voter quorum under the seed's faults and workload. Wall-clock timing
 * lives here, never in tests.
 */
import { Simulation } from '../src/sim/simulator.js';
import { optionsFromSeed } from '../src/sim/options.js';

const SEEDS = Number(process.env['KSPEC_BENCH_SEEDS'] ?? 40);

function bench(voters: number): void {
  // Warm up the JIT on a few seeds first.
  for (let seed = 1; seed <= 3; seed++) new Simulation({ options: optionsFromSeed(seed, { voters }) }).run();
  let steps = 0;
  let transitions = 0;
  let virtualMs = 0;
  const started = performance.now();
  for (let seed = 1000; seed < 1000 + SEEDS; seed++) {
    const result = new Simulation({ options: optionsFromSeed(seed, { voters }) }).run();
    steps += result.steps;
    transitions += result.transitions;
    virtualMs += result.virtualTimeMs;
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `${voters} voters: ${SEEDS} seeds, ${steps} events, ${transitions} transitions in ${seconds.toFixed(2)}s -> ` +
      `${Math.round(steps / seconds)} events/s, ${Math.round(transitions / seconds)} transitions/s, ` +
      `${(virtualMs / 1000 / seconds).toFixed(0)}x real time`,
  );
}

console.log(`kspec bench: node ${process.version}, ${SEEDS} seeds per size`);
bench(3);
bench(5);
