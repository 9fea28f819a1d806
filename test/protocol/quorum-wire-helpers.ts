/** The wire codecs and batch reader the quorum wire tests use. */
import { readBatchHeaders } from '../../src/protocol/records/index.js';

export { decodeRequest, decodeResponse, encodeRequest, encodeResponse } from '../../src/protocol/wire/index.js';

export const readBatchHeadersOf = (bytes: Uint8Array) => readBatchHeaders(bytes).map((v) => v.header);
