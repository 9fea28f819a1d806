/**
 * The building blocks of the message codecs. Every message is plain JSON (DESIGN: context and
 * messages serialize for traces): integers are safe integers (int32 and int64 alike, checked
 * against MAX_SAFE_INTEGER at this boundary), arrays and objects are read-only.
 */
import * as t from 'io-ts';

/** A safe integer (int32 and int64 fields alike: offsets are numbers checked against MAX_SAFE_INTEGER). */
export const SafeInteger = new t.Type<number, number, unknown>(
  'SafeInteger',
  (u): u is number => typeof u === 'number' && Number.isSafeInteger(u),
  (u, c) => (typeof u === 'number' && Number.isSafeInteger(u) ? t.success(u) : t.failure(u, c)),
  (n) => n,
);

export const int = SafeInteger;
export const nullable = <C extends t.Mixed>(codec: C) => t.union([codec, t.null]);
export const list = <C extends t.Mixed>(codec: C) => t.readonlyArray(codec);
/** A read-only object with exactly these required fields (extra fields are accepted and kept, as io-ts does). */
export const struct = <P extends t.Props>(props: P) => t.readonly(t.type(props));
/** A read-only object with required and optional fields. */
export const structWithOptional = <P extends t.Props, O extends t.Props>(props: P, optional: O) =>
  t.readonly(t.intersection([t.type(props), t.partial(optional)]));

/** A partition as every partition-addressed message names it: topic name, topic id, index. */
export const partitionAddressProps = { topic: t.string, topicId: t.string, partition: int };
