/**
 * The Kafka wire protocol: codecs generated from Kafka's JSON message schemas for every request,
 * response, header and data message in every valid version (see docs/wire.md).
 *
 * Decoded values: int64 fields are bigint (lossless past 2^53; convert with a check where a value
 * enters machine context), uuids are Kafka's 22-character text, bytes and records are Uint8Array
 * views of the input frame, unknown tagged fields sit in `_unknownTaggedFields`.
 */
export { WireDecodeError, WireEncodeError, type WireDecodeErrorKind } from './errors.js';
export {
  type ApiInfo,
  type RequestHeader,
  type ResponseHeader,
  type DecodeOptions,
  apis,
  apiByKey,
  requestCodec,
  responseCodec,
  requestHeaderVersion,
  responseHeaderVersion,
  decodeRequestHeader,
  decodeRequest,
  encodeRequest,
  decodeResponse,
  encodeResponse,
  decodeMessage,
  encodeMessage,
  checkFrameSize,
  DEFAULT_MAX_FRAME_BYTES,
  DEFAULT_MAX_UNAUTHENTICATED_FRAME_BYTES,
} from './frame.js';
export { toJson, fromJson, messageFromJson } from './json.js';
export { arbitraryBody, arbitraryMessage, type ArbitraryOptions } from './arbitraries.js';
export { type MessageCodec, wireEqual } from './runtime.js';
export type { RawTaggedField } from './reader.js';
export type { MessageSchema, FieldSchema, VersionRange } from './schema.js';
export { ZERO_UUID } from './uuid.js';
export * as messages from './generated/index.js';
