/**
 * The loop both simulators (the quorum model's and the replication model's) are driven by: take
 * queued items in time order until a bound, a stop condition or the first violation.
 */
export interface Drivable {
  /** When the next queued item happens; undefined when nothing is queued. */
  nextTime(): number | undefined;
  /** Apply the next item. */
  step(): boolean;
  /** A violation has stopped the run. */
  halted(): boolean;
}

/**
 * Step while the next item is at or before `untilMs` and `stopBefore(itemTime)` is false; with
 * `stopAfter`, return as soon as it holds after a step. Returns true if `stopAfter` ended it.
 */
export function drive(sim: Drivable, untilMs: number, stopBefore: (time: number) => boolean, stopAfter?: () => boolean): boolean {
  while (!sim.halted()) {
    const next = sim.nextTime();
    if (next === undefined || next > untilMs || stopBefore(next)) break;
    sim.step();
    if (stopAfter?.()) return true;
  }
  return false;
}
