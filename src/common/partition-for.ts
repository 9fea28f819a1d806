/**
 * Which partition of __consumer_offsets owns a group (GroupCoordinatorService.partitionFor):
 * `Utils.abs(groupId.hashCode()) % offsets.topic.num.partitions`. The coordinator of the group is
 * that partition's leader.
 */

export const OFFSETS_TOPIC = '__consumer_offsets';

/** Java's String.hashCode: h = 31·h + UTF-16 code unit, in int32 arithmetic. */
export function javaStringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/** Kafka's Utils.abs: Integer.MIN_VALUE maps to 0, not to itself as Math.abs does in Java. */
export function kafkaAbs(n: number): number {
  return n === -2147483648 ? 0 : Math.abs(n);
}

export function partitionFor(groupId: string, offsetsTopicNumPartitions: number): number {
  return kafkaAbs(javaStringHashCode(groupId)) % offsetsTopicNumPartitions;
}
