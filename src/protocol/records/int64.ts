/**
 * Record batches carry int64 fields as bigint (lossless, as the wire codecs do). Machine context holds
 * numbers (DESIGN.md: no bigint in snapshots); this is the checked crossing.
 */
export function int64ToSafeNumber(value: bigint, field: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new RangeError(`${field} = ${value} does not fit a safe integer`);
  }
  return Number(value);
}
