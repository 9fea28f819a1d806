/**
 * Every message renders to one line (DESIGN.md, Messages): the producer id messages.
 */
import { describe, expect, it } from 'vitest';
import { renderReplicationMessage } from '../../src/sim/cluster/render.js';
import { errorCode } from '../../src/protocol/errors.js';

describe('replication message renderer', () => {
  it('renders InitProducerId and AllocateProducerIds, requests and answers, one line each', () => {
    expect(renderReplicationMessage(0, 2, { type: 'InitProducerId', correlationId: 4, transactionalId: null, transactionTimeoutMs: 2147483647, producerId: -1, producerEpoch: -1 }))
      .toBe('client->n2 InitProducerId #4');
    expect(renderReplicationMessage(2, 0, { type: 'InitProducerIdResponse', correlationId: 4, errorCode: 0, producerId: 1000, producerEpoch: 0 }))
      .toBe('n2->client InitProducerIdResponse pid=1000 epoch=0 #4');
    expect(renderReplicationMessage(2, 0, { type: 'InitProducerIdResponse', correlationId: 5, errorCode: errorCode('COORDINATOR_LOAD_IN_PROGRESS'), producerId: -1, producerEpoch: -1 }))
      .toBe('n2->client InitProducerIdResponse COORDINATOR_LOAD_IN_PROGRESS #5');
    expect(renderReplicationMessage(2, 101, { type: 'AllocateProducerIds', correlationId: 9, brokerId: 2, brokerEpoch: 5 }))
      .toBe('n2->n101 AllocateProducerIds broker=2 epoch=5');
    expect(renderReplicationMessage(101, 2, { type: 'AllocateProducerIdsResponse', correlationId: 9, errorCode: 0, producerIdStart: 1000, producerIdLen: 1000 }))
      .toBe('n101->n2 AllocateProducerIdsResponse ids 1000..1999');
    expect(renderReplicationMessage(101, 2, { type: 'AllocateProducerIdsResponse', correlationId: 9, errorCode: errorCode('STALE_BROKER_EPOCH'), producerIdStart: 0, producerIdLen: 0 }))
      .toBe('n101->n2 AllocateProducerIdsResponse STALE_BROKER_EPOCH');
  });
});
