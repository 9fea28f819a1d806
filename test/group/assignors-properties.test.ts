/**
 * Properties every assignor keeps, over random groups (fast-check): every subscribed partition is
 * assigned exactly once and only to a subscriber; equal subscriptions give sizes within one
 * (roundrobin, sticky, cooperative-sticky after its follow-up rebalances, uniform); cooperative-sticky
 * never hands a member a partition another member still owns; the answer does not depend on the
 * order the members are listed in.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clientAssignors, serverAssignors } from '../../src/common/assignors/index.js';
import type { ClientAssignor, ClientAssignorMember, ServerAssignor, ServerAssignorMember } from '../../src/common/assignors/types.js';
import { asPartitions, consumer, serverMember, type Partitions } from '../fixtures/assignor-helpers.js';

const TOPICS = ['t0', 't1', 't2', 't3'] as const;
const MEMBER_IDS = ['m-a', 'm-b', 'm-c', 'm-d', 'm-e', 'm-f'] as const;

interface ClientGroup {
  readonly partitionsPerTopic: Record<string, number>;
  readonly members: ClientAssignorMember[];
}

/** Topics with 0..6 partitions, some without metadata. */
const partitionCountsArbitrary = fc.array(fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined }), { minLength: TOPICS.length, maxLength: TOPICS.length })
  .map((counts) => Object.fromEntries(TOPICS.flatMap((topic, index) => (counts[index] === undefined ? [] : [[topic, counts[index]!]]))) as Record<string, number>);

const topicSubsetArbitrary = fc.subarray([...TOPICS]);

/** Owned partitions: any subset of partitions 0..6 per topic (claims may collide, be stale or out of range). */
const ownedArbitrary = fc.dictionary(fc.constantFrom(...TOPICS), fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { maxLength: 4 }), { maxKeys: 3 });

function clientGroupArbitrary(options: { equalSubscriptions: boolean; owned: boolean }): fc.Arbitrary<ClientGroup> {
  const memberArbitrary = fc.record({
    topics: topicSubsetArbitrary,
    static: fc.boolean(),
    owned: options.owned ? ownedArbitrary : fc.constant({}),
    generation: fc.integer({ min: -1, max: 3 }),
  });
  return fc.record({
    partitionsPerTopic: partitionCountsArbitrary,
    memberIds: fc.subarray([...MEMBER_IDS], { minLength: 1 }),
    shared: topicSubsetArbitrary,
    details: fc.array(memberArbitrary, { minLength: MEMBER_IDS.length, maxLength: MEMBER_IDS.length }),
  }).map(({ partitionsPerTopic, memberIds, shared, details }) => ({
    partitionsPerTopic,
    members: memberIds.map((memberId, index) => {
      const detail = details[index]!;
      // Instance ids reverse the member id order, so the static-first rule is visible.
      return consumer(memberId, options.equalSubscriptions ? shared : detail.topics, { owned: detail.owned, generation: detail.generation, instance: detail.static ? `instance-${MEMBER_IDS.length - index}` : undefined });
    }),
  }));
}

function assignedKeys(assignment: Record<string, Partitions>): string[] {
  return Object.values(assignment).flatMap((topics) => Object.entries(topics).flatMap(([topic, partitions]) => partitions.map((partition) => `${topic}-${partition}`)));
}

/** Every partition of a topic with metadata that someone subscribes to. */
function subscribedPartitionKeys(partitionsPerTopic: Record<string, number>, subscriptions: readonly (readonly string[])[]): string[] {
  const topics = new Set(subscriptions.flat());
  return Object.entries(partitionsPerTopic).filter(([topic]) => topics.has(topic)).flatMap(([topic, count]) => Array.from({ length: count }, (_, partition) => `${topic}-${partition}`));
}

function sizes(assignment: Record<string, Partitions>): number[] {
  return Object.values(assignment).map((topics) => Object.values(topics).flat().length);
}

function expectOnlySubscribersAndEveryMember(group: ClientGroup, assignment: Record<string, Partitions>): void {
  expect(Object.keys(assignment).sort()).toEqual(group.members.map((member) => member.memberId).sort());
  for (const member of group.members) {
    for (const [topic, partitions] of Object.entries(assignment[member.memberId]!)) {
      expect(member.subscription.topics).toContain(topic);
      for (const partition of partitions) expect(partition).toBeLessThan(group.partitionsPerTopic[topic]!);
    }
  }
}

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index--) {
    const other = (seed * (index + 7)) % (index + 1);
    [copy[index], copy[other]] = [copy[other]!, copy[index]!];
  }
  return copy;
}

const eagerClientAssignors: ClientAssignor[] = [clientAssignors.range, clientAssignors.roundrobin, clientAssignors.sticky];

describe('client assignors: every subscribed partition exactly once, only to subscribers', () => {
  for (const assignor of eagerClientAssignors) {
    it(`${assignor.name}`, () => {
      fc.assert(fc.property(clientGroupArbitrary({ equalSubscriptions: false, owned: true }), (group) => {
        const assignment = asPartitions(assignor.assign(group.partitionsPerTopic, group.members));
        expectOnlySubscribersAndEveryMember(group, assignment);
        expect(assignedKeys(assignment).sort()).toEqual(subscribedPartitionKeys(group.partitionsPerTopic, group.members.map((m) => m.subscription.topics)).sort());
      }), { numRuns: 300 });
    });
  }

  it('cooperative-sticky: at most once, only to subscribers; a withheld partition is owned by another member', () => {
    fc.assert(fc.property(clientGroupArbitrary({ equalSubscriptions: false, owned: true }), (group) => {
      const assignment = asPartitions(clientAssignors['cooperative-sticky'].assign(group.partitionsPerTopic, group.members));
      expectOnlySubscribersAndEveryMember(group, assignment);
      const assigned = assignedKeys(assignment);
      expect(new Set(assigned).size).toBe(assigned.length);
      const owned = new Set(group.members.flatMap((member) => member.subscription.ownedPartitions.flatMap((t) => t.partitions.map((p) => `${t.topic}-${p}`))));
      for (const key of subscribedPartitionKeys(group.partitionsPerTopic, group.members.map((m) => m.subscription.topics))) {
        if (!assigned.includes(key)) expect(owned.has(key)).toBe(true);
      }
    }), { numRuns: 300 });
  });
});

describe('cooperative-sticky: a partition reaches a new member only once no other member owns it', () => {
  it('never assigns a member a partition it does not own while another member owns it', () => {
    fc.assert(fc.property(clientGroupArbitrary({ equalSubscriptions: false, owned: true }), (group) => {
      const assignment = asPartitions(clientAssignors['cooperative-sticky'].assign(group.partitionsPerTopic, group.members));
      const ownedBy = (member: ClientAssignorMember): Set<string> => new Set(member.subscription.ownedPartitions.flatMap((t) => t.partitions.map((p) => `${t.topic}-${p}`)));
      for (const member of group.members) {
        const own = ownedBy(member);
        const others = new Set(group.members.filter((other) => other !== member).flatMap((other) => [...ownedBy(other)]));
        for (const key of assignedKeys({ [member.memberId]: assignment[member.memberId]! })) {
          if (!own.has(key)) expect(others.has(key), `${key} given to ${member.memberId} while another member owns it`).toBe(false);
        }
      }
    }), { numRuns: 500 });
  });
});

describe('balance: with equal subscriptions the member sizes differ by at most one', () => {
  for (const assignor of [clientAssignors.roundrobin, clientAssignors.sticky]) {
    it(`${assignor.name}`, () => {
      fc.assert(fc.property(clientGroupArbitrary({ equalSubscriptions: true, owned: true }), (group) => {
        const memberSizes = sizes(asPartitions(assignor.assign(group.partitionsPerTopic, group.members)));
        expect(Math.max(...memberSizes) - Math.min(...memberSizes)).toBeLessThanOrEqual(1);
      }), { numRuns: 300 });
    });
  }

  it('cooperative-sticky, after its follow-up rebalances (each round reports the last assignment as owned)', () => {
    fc.assert(fc.property(clientGroupArbitrary({ equalSubscriptions: true, owned: true }), (group) => {
      let members = group.members;
      let assignment = asPartitions(clientAssignors['cooperative-sticky'].assign(group.partitionsPerTopic, members));
      // CooperativeStickyAssignorTest.verifyValidityAndBalance allows at most four follow-up rebalances.
      for (let round = 0; round < 4; round++) {
        members = members.map((member) => consumer(member.memberId, member.subscription.topics, { owned: assignment[member.memberId], generation: 10 + round, instance: member.groupInstanceId ?? undefined }));
        assignment = asPartitions(clientAssignors['cooperative-sticky'].assign(group.partitionsPerTopic, members));
      }
      const memberSizes = sizes(assignment);
      expect(Math.max(...memberSizes) - Math.min(...memberSizes)).toBeLessThanOrEqual(1);
      expect(assignedKeys(assignment).sort()).toEqual(subscribedPartitionKeys(group.partitionsPerTopic, group.members.map((m) => m.subscription.topics)).sort());
    }), { numRuns: 300 });
  });

  it('sticky keeps, with equal subscriptions and uncontested claims, at least min(owned, floor(P / C)) of each member\'s partitions', () => {
    fc.assert(fc.property(clientGroupArbitrary({ equalSubscriptions: true, owned: false }), fc.integer({ min: 0, max: 1000 }), (group, seed) => {
      const previous = asPartitions(clientAssignors.roundrobin.assign(group.partitionsPerTopic, shuffled(group.members, seed).slice(0, Math.max(1, group.members.length - 1))));
      const members = group.members.map((member) => consumer(member.memberId, member.subscription.topics, { owned: previous[member.memberId] ?? {}, generation: 1 }));
      const assignment = asPartitions(clientAssignors.sticky.assign(group.partitionsPerTopic, members));
      const total = subscribedPartitionKeys(group.partitionsPerTopic, members.map((m) => m.subscription.topics)).length;
      const minQuota = Math.floor(total / members.length);
      for (const member of members) {
        const owned = assignedKeys({ x: previous[member.memberId] ?? {} });
        const kept = assignedKeys({ x: assignment[member.memberId]! }).filter((key) => owned.includes(key));
        expect(kept.length).toBeGreaterThanOrEqual(Math.min(owned.length, minQuota));
      }
    }), { numRuns: 200 });
  });
});

describe('determinism: the answer does not depend on the order members are listed in', () => {
  for (const assignor of Object.values(clientAssignors)) {
    it(`${assignor.name}`, () => {
      fc.assert(fc.property(clientGroupArbitrary({ equalSubscriptions: false, owned: true }), fc.integer({ min: 0, max: 1000 }), (group, seed) => {
        expect(assignor.assign(group.partitionsPerTopic, shuffled(group.members, seed))).toEqual(assignor.assign(group.partitionsPerTopic, group.members));
      }), { numRuns: 200 });
    });
  }
});

interface ServerGroup {
  readonly partitionsPerTopicId: Record<string, number>;
  readonly members: ServerAssignorMember[];
}

/** A group whose current target is a valid earlier assignment: each partition with at most one holder, possibly of a topic the holder left. */
function serverGroupArbitrary(options: { homogeneous: boolean }): fc.Arbitrary<ServerGroup> {
  return fc.record({
    partitionsPerTopicId: partitionCountsArbitrary,
    memberIds: fc.subarray([...MEMBER_IDS], { minLength: 1 }),
    shared: topicSubsetArbitrary,
    subscriptions: fc.array(topicSubsetArbitrary, { minLength: MEMBER_IDS.length, maxLength: MEMBER_IDS.length }),
    statics: fc.array(fc.boolean(), { minLength: MEMBER_IDS.length, maxLength: MEMBER_IDS.length }),
    holders: fc.array(fc.integer({ min: -1, max: MEMBER_IDS.length - 1 }), { minLength: TOPICS.length * 7, maxLength: TOPICS.length * 7 }),
  }).map(({ partitionsPerTopicId, memberIds, shared, subscriptions, statics, holders }) => {
    const targets = memberIds.map(() => ({} as Record<string, number[]>));
    TOPICS.forEach((topicId, topicIndex) => {
      for (let partition = 0; partition < (partitionsPerTopicId[topicId] ?? 0); partition++) {
        const holder = holders[topicIndex * 7 + partition]!;
        if (holder >= 0 && holder < memberIds.length) (targets[holder]![topicId] ??= []).push(partition);
      }
    });
    return {
      partitionsPerTopicId,
      members: memberIds.map((memberId, index) => serverMember(memberId, options.homogeneous ? shared : subscriptions[index]!, targets[index]!, statics[index] ? `instance-${MEMBER_IDS.length - index}` : null)),
    };
  });
}

function expectValidServerAssignment(group: ServerGroup, assignment: Record<string, Partitions>): void {
  expect(Object.keys(assignment).sort()).toEqual(group.members.map((member) => member.memberId).sort());
  for (const member of group.members) {
    for (const topicId of Object.keys(assignment[member.memberId]!)) expect(member.subscribedTopicIds).toContain(topicId);
  }
  expect(assignedKeys(assignment).sort()).toEqual(subscribedPartitionKeys(group.partitionsPerTopicId, group.members.map((m) => m.subscribedTopicIds)).sort());
}

describe('server assignors', () => {
  for (const assignor of Object.values(serverAssignors) as ServerAssignor[]) {
    it(`${assignor.name}: every subscribed partition exactly once, only to subscribers; independent of member order`, () => {
      fc.assert(fc.property(serverGroupArbitrary({ homogeneous: false }), fc.integer({ min: 0, max: 1000 }), (group, seed) => {
        const assignment = assignor.assign(group.members, group.partitionsPerTopicId) as Record<string, Partitions>;
        expectValidServerAssignment(group, assignment);
        expect(assignor.assign(shuffled(group.members, seed), group.partitionsPerTopicId)).toEqual(assignment);
      }), { numRuns: 300 });
    });
  }

  it('uniform: a homogeneous group is balanced within one', () => {
    fc.assert(fc.property(serverGroupArbitrary({ homogeneous: true }), (group) => {
      const memberSizes = sizes(serverAssignors.uniform.assign(group.members, group.partitionsPerTopicId) as Record<string, Partitions>);
      expect(Math.max(...memberSizes) - Math.min(...memberSizes)).toBeLessThanOrEqual(1);
    }), { numRuns: 300 });
  });

  it('uniform: members with identical subscriptions in a heterogeneous group differ by at most one', () => {
    fc.assert(fc.property(serverGroupArbitrary({ homogeneous: false }), (group) => {
      const assignment = serverAssignors.uniform.assign(group.members, group.partitionsPerTopicId) as Record<string, Partitions>;
      const bySubscription = new Map<string, number[]>();
      for (const member of group.members) {
        const key = [...new Set(member.subscribedTopicIds)].filter((t) => (group.partitionsPerTopicId[t] ?? 0) > 0).sort().join(',');
        bySubscription.set(key, [...(bySubscription.get(key) ?? []), Object.values(assignment[member.memberId]!).flat().length]);
      }
      for (const memberSizes of bySubscription.values()) expect(Math.max(...memberSizes) - Math.min(...memberSizes)).toBeLessThanOrEqual(1);
    }), { numRuns: 300 });
  });

  it('uniform: a homogeneous member keeps min(its current target, floor(P / M)) of its partitions', () => {
    fc.assert(fc.property(serverGroupArbitrary({ homogeneous: true }), (group) => {
      const assignment = serverAssignors.uniform.assign(group.members, group.partitionsPerTopicId) as Record<string, Partitions>;
      const total = subscribedPartitionKeys(group.partitionsPerTopicId, group.members.map((m) => m.subscribedTopicIds)).length;
      for (const member of group.members) {
        const current = assignedKeys({ x: Object.fromEntries(Object.entries(member.currentTarget).filter(([t]) => member.subscribedTopicIds.includes(t)).map(([t, p]) => [t, [...p]])) });
        const kept = assignedKeys({ x: assignment[member.memberId]! }).filter((key) => current.includes(key));
        expect(kept.length).toBeGreaterThanOrEqual(Math.min(current.length, Math.floor(total / group.members.length)));
      }
    }), { numRuns: 300 });
  });
});
