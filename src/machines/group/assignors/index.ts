/**
 * The assignors by name. Client-side (the classic group's leader runs them): range, roundrobin.
 * Server-side (the KIP-848 coordinator runs them): uniform, range.
 */
import type { TopicPartitions } from '../../../protocol/groups/messages.js';
import type { ClientAssignor, ClientAssignorMember, ServerAssignor, ServerAssignorMember, TopicIdAssignment } from './types.js';

/** MemberInfo.compareTo: members with a group.instance.id first, by it; then by member id. */
export function memberOrder(a: { memberId: string; groupInstanceId: string | null }, b: { memberId: string; groupInstanceId: string | null }): number {
  if (a.groupInstanceId !== null && b.groupInstanceId !== null) return a.groupInstanceId < b.groupInstanceId ? -1 : a.groupInstanceId > b.groupInstanceId ? 1 : 0;
  if (a.groupInstanceId !== null) return -1;
  if (b.groupInstanceId !== null) return 1;
  return a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0;
}

function add(out: Record<string, Map<string, number[]>>, memberId: string, topic: string, partition: number): void {
  const topics = (out[memberId] ??= new Map());
  const list = topics.get(topic) ?? [];
  list.push(partition);
  topics.set(topic, list);
}

function finish(members: readonly { memberId: string }[], out: Record<string, Map<string, number[]>>): Record<string, TopicPartitions[]> {
  return Object.fromEntries(members.map((m) => [m.memberId, [...(out[m.memberId] ?? new Map()).entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([topic, partitions]) => ({ topic, partitions: [...partitions].sort((x, y) => x - y) }))]));
}

/** RangeAssignor: per topic, the sorted subscribers take consecutive ranges; the first P % C take one more. */
export const rangeAssignor: ClientAssignor = {
  name: 'range',
  supportedProtocols: ['EAGER'],
  assign(partitionsPerTopic, members) {
    const out: Record<string, Map<string, number[]>> = {};
    const topics = [...new Set(members.flatMap((m) => m.subscription.topics))].filter((t) => partitionsPerTopic[t] !== undefined).sort();
    for (const topic of topics) {
      const subscribers = members.filter((m) => m.subscription.topics.includes(topic)).sort(memberOrder);
      const count = partitionsPerTopic[topic] as number;
      const quota = Math.floor(count / subscribers.length);
      let extra = count % subscribers.length;
      let next = 0;
      for (const m of subscribers) {
        const take = quota + (extra > 0 ? 1 : 0);
        if (extra > 0) extra--;
        for (let p = next; p < next + take; p++) add(out, m.memberId, topic, p);
        next += take;
      }
    }
    return finish(members, out);
  },
};

/** RoundRobinAssignor: every subscribed partition in (topic, partition) order to the next subscriber of a circular, sorted member list. */
export const roundRobinAssignor: ClientAssignor = {
  name: 'roundrobin',
  supportedProtocols: ['EAGER'],
  assign(partitionsPerTopic, members) {
    const out: Record<string, Map<string, number[]>> = {};
    const sorted = [...members].sort(memberOrder);
    const topics = [...new Set(members.flatMap((m) => m.subscription.topics))].filter((t) => partitionsPerTopic[t] !== undefined).sort();
    let cursor = 0;
    for (const topic of topics) {
      for (let p = 0; p < (partitionsPerTopic[topic] as number); p++) {
        while (!(sorted[cursor % sorted.length] as ClientAssignorMember).subscription.topics.includes(topic)) cursor++;
        add(out, (sorted[cursor % sorted.length] as ClientAssignorMember).memberId, topic, p);
        cursor++;
      }
    }
    return finish(members, out);
  },
};

const serverOrder = (a: ServerAssignorMember, b: ServerAssignorMember): number => memberOrder({ memberId: a.memberId, groupInstanceId: a.instanceId }, { memberId: b.memberId, groupInstanceId: b.instanceId });

function toAssignment(members: readonly ServerAssignorMember[], owned: Map<string, Map<string, number[]>>): Record<string, TopicIdAssignment> {
  return Object.fromEntries(members.map((m) => [m.memberId, Object.fromEntries([...(owned.get(m.memberId) ?? new Map()).entries()].map(([topicId, ps]) => [topicId, [...ps].sort((x, y) => x - y)]))]));
}

/** The server RangeAssignor: per topic, its subscribers in member order take consecutive ranges (not sticky). */
export const serverRangeAssignor: ServerAssignor = {
  name: 'range',
  assign(members, partitionsPerTopicId) {
    const owned = new Map<string, Map<string, number[]>>();
    const sorted = [...members].sort(serverOrder);
    const topics = [...new Set(members.flatMap((m) => m.subscribedTopicIds))].filter((t) => partitionsPerTopicId[t] !== undefined).sort();
    for (const topicId of topics) {
      const subscribers = sorted.filter((m) => m.subscribedTopicIds.includes(topicId));
      const count = partitionsPerTopicId[topicId] as number;
      const quota = Math.floor(count / subscribers.length);
      let extra = count % subscribers.length;
      let next = 0;
      for (const m of subscribers) {
        const take = quota + (extra > 0 ? 1 : 0);
        if (extra > 0) extra--;
        const topicsOf = owned.get(m.memberId) ?? new Map<string, number[]>();
        topicsOf.set(topicId, Array.from({ length: take }, (_, i) => next + i));
        owned.set(m.memberId, topicsOf);
        next += take;
      }
    }
    return toAssignment(members, owned);
  },
};

/**
 * The uniform assignor (UniformHomogeneousAssignmentBuilder / UniformHeterogeneousAssignmentBuilder),
 * balance first, then stickiness: every member keeps what it had in the current target (of topics
 * it still subscribes to) up to its quota; the rest is dealt to the least-loaded subscribers.
 * Where Kafka iterates HashMaps, members go in member order and partitions in (topic id, partition) order.
 */
export const uniformAssignor: ServerAssignor = {
  name: 'uniform',
  assign(members, partitionsPerTopicId) {
    const sorted = [...members].sort(serverOrder);
    const owned = new Map<string, Map<string, number[]>>(sorted.map((m) => [m.memberId, new Map()]));
    const load = new Map<string, number>(sorted.map((m) => [m.memberId, 0]));
    const give = (memberId: string, topicId: string, partition: number): void => {
      const topics = owned.get(memberId) as Map<string, number[]>;
      topics.set(topicId, [...(topics.get(topicId) ?? []), partition]);
      load.set(memberId, (load.get(memberId) ?? 0) + 1);
    };
    const topics = [...new Set(members.flatMap((m) => m.subscribedTopicIds))].filter((t) => partitionsPerTopicId[t] !== undefined).sort();
    const homogeneous = sorted.every((m) => topics.every((t) => m.subscribedTopicIds.includes(t)));
    const total = topics.reduce((sum, t) => sum + (partitionsPerTopicId[t] as number), 0);
    const minQuota = sorted.length === 0 ? 0 : Math.floor(total / sorted.length);
    let extras = sorted.length === 0 ? 0 : total % sorted.length;
    const taken = new Set<string>();
    // Keep: up to minQuota of the current target, one more while members may still hold an extra.
    for (const m of sorted) {
      const current = Object.entries(m.currentTarget)
        .filter(([topicId]) => m.subscribedTopicIds.includes(topicId) && partitionsPerTopicId[topicId] !== undefined)
        .flatMap(([topicId, ps]) => ps.filter((p) => p < (partitionsPerTopicId[topicId] as number)).map((p) => ({ topicId, p })))
        .sort((a, b) => (a.topicId < b.topicId ? -1 : a.topicId > b.topicId ? 1 : a.p - b.p));
      let cap = homogeneous ? minQuota : current.length;
      if (homogeneous && current.length > minQuota && extras > 0) {
        cap++;
        extras--;
      }
      for (const { topicId, p } of current.slice(0, cap)) {
        if (taken.has(`${topicId}/${p}`)) continue;
        taken.add(`${topicId}/${p}`);
        give(m.memberId, topicId, p);
      }
    }
    // Deal the rest: each partition to the least-loaded subscriber that is under its cap (ties: member order).
    for (const topicId of topics) {
      for (let p = 0; p < (partitionsPerTopicId[topicId] as number); p++) {
        if (taken.has(`${topicId}/${p}`)) continue;
        const candidates = sorted.filter((m) => m.subscribedTopicIds.includes(topicId));
        let best: ServerAssignorMember | undefined;
        for (const m of candidates) {
          const l = load.get(m.memberId) ?? 0;
          if (homogeneous && l >= minQuota + (l === minQuota && extras > 0 ? 1 : 0)) continue;
          if (best === undefined || l < (load.get(best.memberId) ?? 0)) best = m;
        }
        if (best === undefined) continue;
        if (homogeneous && (load.get(best.memberId) ?? 0) === minQuota) extras--;
        taken.add(`${topicId}/${p}`);
        give(best.memberId, topicId, p);
      }
    }
    return toAssignment(members, owned);
  },
};

export const clientAssignors: Partial<Record<ClientAssignor['name'], ClientAssignor>> = { range: rangeAssignor, roundrobin: roundRobinAssignor };
export const serverAssignors: Record<ServerAssignor['name'], ServerAssignor> = { uniform: uniformAssignor, range: serverRangeAssignor };

export function clientAssignor(name: string): ClientAssignor | undefined {
  return clientAssignors[name as ClientAssignor['name']];
}

export function serverAssignor(name: string): ServerAssignor | undefined {
  return serverAssignors[name as ServerAssignor['name']];
}
