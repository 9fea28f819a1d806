/**
 * What a replica machine asks its shell to do. The shell owns the partition's log: it applies
 * log effects, answers every truncation or retention pass with a LogState event, and fills a
 * fetch response's batches (`read`) or a timestamp lookup from the log.
 */
import type { RecordBatch } from '../../log/partition-log.js';
import type { AlterPartitionRequest, ReplicationMessage } from '../../protocol/replication/messages.js';

export type ReplicaEffect =
  | {
      readonly type: 'send';
      readonly to: number;
      readonly message: ReplicationMessage;
      /** FetchResponse: the shell attaches the log's batches holding offsets in [fromOffset, maxOffset). */
      readonly read?: { readonly fromOffset: number; readonly maxOffset: number };
      /** ListOffsetsResponse by timestamp: the shell fills offset and timestamp from the log. */
      readonly lookupTimestamp?: { readonly timestamp: number; readonly maxOffset: number };
    }
  /** To the active controller, whoever that is now (Kafka's NodeToControllerChannelManager). */
  | { readonly type: 'send.controller'; readonly message: AlterPartitionRequest }
  | { readonly type: 'log.append'; readonly batch: RecordBatch }
  | { readonly type: 'log.truncate'; readonly toOffset: number }
  | { readonly type: 'log.truncateFullyAndStartAt'; readonly offset: number }
  | { readonly type: 'log.assignEpochStartOffset'; readonly epoch: number; readonly offset: number }
  | { readonly type: 'log.raiseLogStartOffset'; readonly offset: number }
  | { readonly type: 'log.retention'; readonly highWatermark: number };
