/**
 * Producer id blocks (KIP-730; ProducerIdControlManager): the controller leases ids to brokers a
 * block at a time from one counter kept in the metadata log (ProducerIdsRecord.nextProducerId).
 * A block is handed out only once its record commits, and every controller replays the records,
 * so a new active controller continues after the last committed block: no id is leased twice.
 */
import type { ErrorName } from '../../protocol/errors.js';
import { nextProducerIdOf, type MetadataImage } from '../../common/metadata-image.js';
import type { MetadataRecord } from '../../protocol/metadata/records.js';

/** ProducerIdsBlock.PRODUCER_ID_BLOCK_SIZE */
export const PRODUCER_ID_BLOCK_SIZE = 1_000;

export type ProducerIdBlockDecision =
  | { readonly error: 'NONE'; readonly producerIdStart: number; readonly producerIdLen: number; readonly record: Extract<MetadataRecord, { type: 'ProducerIdsRecord' }> }
  | { readonly error: Exclude<ErrorName, 'NONE'> };

/** ProducerIdControlManager.generateNextProducerId: the next block for a broker, or why not. */
export function generateNextProducerIdBlock(image: MetadataImage, brokerId: number, brokerEpoch: number): ProducerIdBlockDecision {
  // ClusterControlManager.checkBrokerEpoch: an unregistered broker is a stale epoch too.
  const broker = image.brokers[String(brokerId)];
  if (broker === undefined || broker.brokerEpoch !== brokerEpoch) return { error: 'STALE_BROKER_EPOCH' };
  const producerIdStart = nextProducerIdOf(image);
  // Kafka's limit is Long.MAX_VALUE; ids here are numbers, exact up to MAX_SAFE_INTEGER.
  if (producerIdStart > Number.MAX_SAFE_INTEGER - PRODUCER_ID_BLOCK_SIZE) return { error: 'UNKNOWN_SERVER_ERROR' };
  return {
    error: 'NONE', producerIdStart, producerIdLen: PRODUCER_ID_BLOCK_SIZE,
    record: { type: 'ProducerIdsRecord', brokerId, brokerEpoch, nextProducerId: producerIdStart + PRODUCER_ID_BLOCK_SIZE },
  };
}
