/**
 * How much the long property tests run. The suite (`npm test`) runs their short versions so that it
 * stays a few minutes on 2 cores; `npm run test:long` sets KSPEC_LONG=1 for the full counts (and the
 * sweeps behind `npx kspec sweep` go further still).
 */
export const LONG = process.env['KSPEC_LONG'] === '1';

/** A count for this run: `short` in the suite, `long` under KSPEC_LONG=1, or the named variable's value when set. */
export function budget(short: number, long: number, variable?: string): number {
  const set = variable === undefined ? undefined : process.env[variable];
  if (set !== undefined && set !== '') {
    const value = Number(set);
    if (!Number.isInteger(value) || value < 0) throw new Error(`${variable}=${set}: a count (a whole number >= 0) is expected`);
    return value;
  }
  return LONG ? long : short;
}
