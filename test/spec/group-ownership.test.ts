/**
 * CG-COOP-1 (protocol-rules E.2) over hand-made consumer histories: a partition owned by two
 * consumers at once is a violation, except the windows Kafka's clients have (the zombie that finds
 * out it was removed, and KIP-848's reconciliation windows), which are reported as allowed.
 */
import { describe, expect, it } from 'vitest';
import { checkSingleOwner } from '../../spec/groups/ownership.js';
import type { ConsumerEvent } from '../../spec/groups/view.js';

const assigned = (consumer: number, time: number, ...partitions: string[]): ConsumerEvent => ({ type: 'assigned', consumer, partitions, time });
const revoked = (consumer: number, time: number, ...partitions: string[]): ConsumerEvent => ({ type: 'revoked', consumer, partitions, time });
const lost = (consumer: number, time: number, ...partitions: string[]): ConsumerEvent => ({ type: 'lost', consumer, partitions, time });

describe('CG-COOP-1: no partition owned by two consumers at once', () => {
  it('a hand-over after the revocation is one owner at a time; a crash ends ownership', () => {
    const history = [assigned(1, 0, 't-0', 't-1'), revoked(1, 10, 't-1'), assigned(2, 11, 't-1'), { type: 'crashed', consumer: 2, time: 20 } as const, assigned(3, 30, 't-1')];
    for (const protocol of ['classic', 'consumer'] as const) expect(checkSingleOwner(history, protocol).result).toEqual({ clauseId: 'CG-COOP-1', verdict: 'valid', anomalies: [] });
  });

  it('a classic group that assigns a partition before its owner revoked it is a violation', () => {
    const { result, findings } = checkSingleOwner([assigned(1, 0, 't-0'), assigned(2, 5, 't-0'), revoked(1, 9, 't-0')], 'classic');
    expect(result.verdict).toBe('invalid');
    expect(result.anomalies).toEqual(['t-0: consumer 2 was assigned it at t=5 while consumer 1 (since t=0) still owned it, until it revoked it']);
    expect(findings.filter((f) => f.allowed)).toEqual([]);
  });

  it('two owners at the end of the run, neither giving it up, is a violation in either protocol', () => {
    for (const protocol of ['classic', 'consumer'] as const) expect(checkSingleOwner([assigned(1, 0, 't-0'), assigned(2, 5, 't-0')], protocol).result.verdict).toBe('invalid');
  });

  it('the zombie window is allowed: the earlier owner was removed before it knew and reports the partition lost', () => {
    const { result, findings } = checkSingleOwner([assigned(1, 0, 't-0'), assigned(2, 5, 't-0'), lost(1, 9, 't-0')], 'classic');
    expect(result.verdict).toBe('valid');
    expect(findings).toEqual([{ partition: 't-0', allowed: true, detail: expect.stringContaining('the zombie window') }]);
  });

  it('a zombie the coordinator had removed before the hand-over may crash before it learns it: allowed, reported', () => {
    const removed: ConsumerEvent = { type: 'removed', consumer: 1, memberId: 'consumer-g-1-a', time: 4 };
    const crashed: ConsumerEvent = { type: 'crashed', consumer: 1, time: 9 };
    const { result, findings } = checkSingleOwner([assigned(1, 0, 't-0'), removed, assigned(2, 5, 't-0'), crashed], 'classic');
    expect(result.verdict).toBe('valid');
    expect(findings).toEqual([{ partition: 't-0', allowed: true, detail: expect.stringContaining('crashed before it learned it: the zombie window') }]);
  });

  it('a removal that came after the hand-over, or before the earlier owner\'s assignment, allows nothing', () => {
    const crashed: ConsumerEvent = { type: 'crashed', consumer: 1, time: 9 };
    const late: ConsumerEvent = { type: 'removed', consumer: 1, memberId: 'consumer-g-1-a', time: 6 };
    expect(checkSingleOwner([assigned(1, 0, 't-0'), assigned(2, 5, 't-0'), late, crashed], 'classic').result.verdict).toBe('invalid');
    // Removed under an old member id, then joined again and assigned: the new holding was never removed.
    const old: ConsumerEvent = { type: 'removed', consumer: 1, memberId: 'consumer-g-1-a', time: 1 };
    expect(checkSingleOwner([old, assigned(1, 2, 't-0'), assigned(2, 5, 't-0'), crashed], 'classic').result.verdict).toBe('invalid');
    // Another consumer's removal says nothing about this one.
    const other: ConsumerEvent = { type: 'removed', consumer: 3, memberId: 'consumer-g-3-a', time: 4 };
    expect(checkSingleOwner([assigned(1, 0, 't-0'), other, assigned(2, 5, 't-0'), crashed], 'classic').result.verdict).toBe('invalid');
  });

  it('a later owner that applied its assignment after the coordinator had removed it is a zombie: allowed, reported; one still counted is not', () => {
    const zombie: ConsumerEvent = { type: 'assigned', consumer: 2, partitions: ['t-0'], time: 5, memberAtCoordinator: false };
    const { result, findings } = checkSingleOwner([assigned(1, 0, 't-0'), zombie], 'classic');
    expect(result.verdict).toBe('valid');
    expect(findings[0]?.detail).toContain('a zombie reconciling an old target');
    const counted: ConsumerEvent = { ...zombie, memberAtCoordinator: true };
    expect(checkSingleOwner([assigned(1, 0, 't-0'), counted], 'classic').result.verdict).toBe('invalid');
  });

  it('in a KIP-848 group an overlap ended by a revocation is one of the reconciliation windows, allowed and reported', () => {
    const { result, findings } = checkSingleOwner([assigned(1, 0, 't-0'), assigned(2, 5, 't-0'), revoked(1, 9, 't-0')], 'consumer');
    expect(result.verdict).toBe('valid');
    expect(findings.map((f) => f.allowed)).toEqual([true]);
    expect(findings[0]?.detail).toContain('KIP-848');
  });
});
