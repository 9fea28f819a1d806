/**
 * Leader elections as the committed metadata log shows them: for each PartitionChangeRecord that
 * changed a partition's leader, the new leader and the ISR just before the change. The judge reads
 * these from the history (the image before and after the record), not from the controller's own
 * label (leaderRecoveryState), so that a controller electing outside the ISR cannot excuse itself.
 */
import type { MetadataImage } from '../../common/metadata-image.js';
import type { MetadataRecord } from '../../protocol/metadata/records.js';
import type { LeaderElection } from '../../../spec/replication/view.js';

export function leaderElectionOf(before: MetadataImage, after: MetadataImage, record: MetadataRecord): LeaderElection | null {
  if (record.type !== 'PartitionChangeRecord') return null;
  const topic = after.topics[record.topicId];
  const was = before.topics[record.topicId]?.partitions[record.partitionId];
  const now = topic?.partitions[record.partitionId];
  if (topic === undefined || was === undefined || now === undefined || now.leader === was.leader) return null;
  return { key: `${topic.name}-${record.partitionId}`, leader: now.leader, leaderEpoch: now.leaderEpoch, previousLeader: was.leader, previousIsr: was.isr };
}
