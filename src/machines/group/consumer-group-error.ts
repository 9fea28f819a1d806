/**
 * How a KIP-848 rule refuses a request: Kafka's handlers throw an ApiException
 * (FencedMemberEpochException, UnknownMemberIdException, …) that the runtime turns into the
 * response's error code and message. The rules here do the same inside the shard's pure
 * functions; `consumerGroupHeartbeat` catches it and answers with the error.
 */
import type { ErrorName } from '../../protocol/errors.js';

export class ConsumerGroupApiError extends Error {
  constructor(readonly error: ErrorName, message: string) {
    super(message);
    this.name = 'ConsumerGroupApiError';
  }
}

export function refuse(error: ErrorName, message: string): never {
  throw new ConsumerGroupApiError(error, message);
}
