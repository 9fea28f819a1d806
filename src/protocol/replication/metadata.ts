/** Metadata (api key 3): a client learns the controller and each partition's leader and epoch. */
import * as t from 'io-ts';
import { int, list, struct } from '../codec.js';
import { messageSpec } from '../message-spec.js';
import { PartitionRegistration } from '../metadata/records.js';

export const MetadataRequest = struct({ type: t.literal('Metadata'), correlationId: int });
export type MetadataRequest = t.TypeOf<typeof MetadataRequest>;

export const MetadataResponse = struct({
  type: t.literal('MetadataResponse'),
  correlationId: int,
  controllerId: int,
  topics: list(struct({ name: t.string, topicId: t.string, partitions: list(PartitionRegistration) })),
});
export type MetadataResponse = t.TypeOf<typeof MetadataResponse>;

export const metadataSpecs = [
  messageSpec<MetadataRequest>({
    type: 'Metadata', family: 'replication', kind: 'request', apiKey: 3, role: 'broker', pairedWith: 'MetadataResponse', codec: MetadataRequest,
    render: () => 'Metadata',
    // Metadata has no top-level error: a broker that cannot answer knows no topics and no controller.
    errorResponse: (m) => ({ type: 'MetadataResponse', correlationId: m.correlationId, controllerId: -1, topics: [] }),
  }),
  messageSpec<MetadataResponse>({
    type: 'MetadataResponse', family: 'replication', kind: 'response', apiKey: 3, role: 'client', pairedWith: 'Metadata', codec: MetadataResponse,
    render: (m) => `MetadataResponse controller=${m.controllerId} ${m.topics.map((t) => `${t.name}[${t.partitions.map((p, i) => `${i}:n${p.leader}/e${p.leaderEpoch}`).join(' ')}]`).join(' ')}`,
  }),
] as const;
