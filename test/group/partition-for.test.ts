/** B.1: the coordinator of a group is the leader of partition abs(hashCode(groupId)) % N of __consumer_offsets. */
import { describe, expect, it } from 'vitest';
import { javaStringHashCode, kafkaAbs, partitionFor } from '../../src/common/partition-for.js';

describe('partitionFor (GroupCoordinatorService.partitionFor)', () => {
  it('hashes as Java String.hashCode does', () => {
    expect(javaStringHashCode('')).toBe(0);
    expect(javaStringHashCode('a')).toBe(97);
    expect(javaStringHashCode('my-group')).toBe(-1906497762);
    expect(javaStringHashCode('console-consumer-12345')).toBe(158455506);
    // UTF-16 code units: a surrogate pair counts as two.
    expect(javaStringHashCode('😀')).toBe(Math.imul(31, 0xd83d) + 0xde00);
  });
  it('maps Integer.MIN_VALUE to 0 (Utils.abs)', () => {
    expect(kafkaAbs(-2147483648)).toBe(0);
    expect(kafkaAbs(-5)).toBe(5);
    // "polygenelubricants" is a well-known string whose Java hash is Integer.MIN_VALUE.
    expect(javaStringHashCode('polygenelubricants')).toBe(-2147483648);
    expect(partitionFor('polygenelubricants', 50)).toBe(0);
  });
  it('gives the partitions Kafka gives with 50 partitions', () => {
    expect(partitionFor('my-group', 50)).toBe(12);
    expect(partitionFor('console-consumer-12345', 50)).toBe(6);
  });
});
