/**
 * Int64 fields from a client become numbers in the model's messages, which stop at 2^53. A value
 * past that is legal on the wire but not representable here: the gateway refuses that part of the
 * request with an error (never an exception that closes the connection).
 */
export function safeInt64(value: bigint): number | null {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : null;
}
