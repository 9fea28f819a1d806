/**
 * Whole frames: a request or response header followed by its body. Frames here are WITHOUT the
 * 4-byte size prefix; checkFrameSize decides the prefix.
 *
 * Header versions follow Kafka's ApiMessageTypeGenerator.generateHeaderVersion: a flexible
 * request version uses request header v2, else v1, except ControlledShutdown v0 (header v0, no
 * client id); a flexible response uses response header v1, else v0, except ApiVersions, whose
 * response header is always v0 (KIP-511: a client that sent a version the broker does not know
 * must still be able to read the answer).
 *
 * Trailing bytes after a request body: Kafka ignores them. RequestContext.parseRequest hands the
 * buffer to AbstractRequest.parseRequest, which records `buffer.remaining()` as the request size
 * and parses; nothing checks that the parse consumed it all. decodeRequest does the same by
 * default and reports how many bytes it left (`trailingBytes`); `{ strict: true }` rejects them
 * (kind 'trailing-bytes'), which is what ecosystem.md §3.4 item 4 asks of a hardened server and
 * what the conformance suite uses to flag a peer that pads its frames. Responses likewise
 * (NetworkClient.parseResponse does not check either).
 */
import { DecodeFault, EncodeFault, WireDecodeError, WireEncodeError } from './errors.js';
import { requestCodecs, responseCodecs, RequestHeader as RequestHeaderCodec, ResponseHeader as ResponseHeaderCodec } from './generated/index.js';
import type { RequestHeaderData, ResponseHeaderData } from './generated/index.js';
import { Reader } from './reader.js';
import type { MessageCodec } from './runtime.js';
import { inRange } from './schema.js';
import { Writer } from './writer.js';

export interface ApiInfo {
  apiKey: number;
  /** Kafka's name for the API (ApiKeys.name: "Produce", "ApiVersions"). */
  name: string;
  minVersion: number;
  maxVersion: number;
  /** The first flexible version, or null when no version is flexible. */
  flexibleMinVersion: number | null;
  /** Who serves it: "broker", "controller", "zkBroker" (the request schema's listeners). */
  listeners: string[];
  /** maxVersion is still in development (the schema's latestVersionUnstable): not advertised by default. */
  latestVersionUnstable: boolean;
}

export type RequestHeader = Omit<RequestHeaderData, '_unknownTaggedFields'> & Pick<RequestHeaderData, '_unknownTaggedFields'>;
export type ResponseHeader = Omit<ResponseHeaderData, '_unknownTaggedFields'> & Pick<ResponseHeaderData, '_unknownTaggedFields'>;

export interface DecodeOptions {
  /** Reject bytes left after the body (kind 'trailing-bytes') instead of ignoring them as Kafka does. */
  strict?: boolean;
}

const requestByKey = new Map<number, MessageCodec<unknown>>();
const responseByKey = new Map<number, MessageCodec<unknown>>();
for (const codec of requestCodecs) requestByKey.set(codec.schema.apiKey!, codec);
for (const codec of responseCodecs) responseByKey.set(codec.schema.apiKey!, codec);

export const apis: readonly ApiInfo[] = requestCodecs.map((codec) => {
  const s = codec.schema;
  return {
    apiKey: s.apiKey!, name: s.name.replace(/Request$/, ''),
    minVersion: s.validVersions[0], maxVersion: s.validVersions[1],
    flexibleMinVersion: s.flexibleVersions === null ? null : s.flexibleVersions[0],
    listeners: [...(s.listeners ?? [])],
    latestVersionUnstable: s.latestVersionUnstable === true,
  };
});

const apiInfoByKey = new Map(apis.map((api) => [api.apiKey, api]));

export function apiByKey(apiKey: number): ApiInfo | undefined {
  return apiInfoByKey.get(apiKey);
}

export function requestCodec(apiKey: number): MessageCodec<unknown> | undefined {
  return requestByKey.get(apiKey);
}

export function responseCodec(apiKey: number): MessageCodec<unknown> | undefined {
  return responseByKey.get(apiKey);
}

function isFlexible(apiKey: number, apiVersion: number): boolean {
  const api = apiInfoByKey.get(apiKey);
  return api !== undefined && api.flexibleMinVersion !== null && apiVersion >= api.flexibleMinVersion;
}

/** Defined for any version of a known API, valid or not: KIP-511 needs the header of an unknown ApiVersions version. */
export function requestHeaderVersion(apiKey: number, apiVersion: number): number {
  if (apiKey === 7 && apiVersion === 0) return 0;
  return isFlexible(apiKey, apiVersion) ? 2 : 1;
}

export function responseHeaderVersion(apiKey: number, apiVersion: number): number {
  if (apiKey === 18) return 0;
  return isFlexible(apiKey, apiVersion) ? 1 : 0;
}

function apiLabel(apiKey: number, kind: 'Request' | 'Response'): string {
  const api = apiInfoByKey.get(apiKey);
  return api === undefined ? `apiKey ${apiKey}` : `${api.name}${kind}`;
}

/** Runs a decode, turning an internal fault into the public error. */
function decoding<T>(api: string, apiVersion: number, pathPrefix: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof DecodeFault) {
      const path = error.path();
      throw new WireDecodeError(api, apiVersion, pathPrefix + (pathPrefix !== '' && path !== '' ? '.' : '') + path, error.offset, error.kind, error.detail);
    }
    throw error;
  }
}

function encoding<T>(api: string, apiVersion: number, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof EncodeFault) {
      const path = error.path();
      throw new WireEncodeError(`${api} v${apiVersion}${path === '' ? '' : ` ${path}`}: ${error.detail}`);
    }
    throw error;
  }
}

function checkVersion(codec: MessageCodec<unknown> | undefined, apiKey: number, apiVersion: number, kind: 'Request' | 'Response', offset: number): MessageCodec<unknown> {
  const api = apiLabel(apiKey, kind);
  if (codec === undefined) throw new WireDecodeError(api, apiVersion, '', offset, 'unknown-api', `no API has key ${apiKey}`);
  if (!inRange(codec.schema.validVersions, apiVersion)) {
    const [min, max] = codec.schema.validVersions;
    throw new WireDecodeError(api, apiVersion, '', offset, 'unsupported-version', `valid versions are ${min} to ${max}`);
  }
  return codec;
}

/**
 * The request header alone, for any version of a known API (the body's version need not be
 * valid): a broker answers an ApiVersions request of a version it does not know (KIP-511).
 */
export function decodeRequestHeader(frame: Uint8Array): { header: RequestHeader; bodyOffset: number } {
  if (frame.length < 4) {
    throw new WireDecodeError('RequestHeader', -1, 'requestApiKey', 0, 'truncated', `a request header needs at least 4 bytes, the frame has ${frame.length}`);
  }
  const apiKey = ((frame[0]! << 24) | (frame[1]! << 16)) >> 16;
  const apiVersion = ((frame[2]! << 24) | (frame[3]! << 16)) >> 16;
  if (!apiInfoByKey.has(apiKey)) throw new WireDecodeError(`apiKey ${apiKey}`, apiVersion, 'header.requestApiKey', 0, 'unknown-api', `no API has key ${apiKey}`);
  const headerVersion = requestHeaderVersion(apiKey, apiVersion);
  const reader = new Reader(frame);
  const header = decoding(apiLabel(apiKey, 'Request'), apiVersion, 'header', () => RequestHeaderCodec.decoders[headerVersion]!(reader));
  return { header, bodyOffset: reader.pos };
}

function finishBody(reader: Reader, api: string, apiVersion: number, options: DecodeOptions | undefined): number {
  const trailing = reader.remaining();
  if (trailing > 0 && options?.strict === true) {
    throw new WireDecodeError(api, apiVersion, '', reader.pos, 'trailing-bytes', `${trailing} bytes after the body`);
  }
  return trailing;
}

export function decodeRequest(frame: Uint8Array, options?: DecodeOptions): { header: RequestHeader; body: unknown; trailingBytes: number } {
  const { header, bodyOffset } = decodeRequestHeader(frame);
  const apiKey = header.requestApiKey;
  const apiVersion = header.requestApiVersion;
  const codec = checkVersion(requestByKey.get(apiKey), apiKey, apiVersion, 'Request', 2);
  const api = apiLabel(apiKey, 'Request');
  const reader = new Reader(frame, bodyOffset);
  const body = decoding(api, apiVersion, '', () => codec.decoders[apiVersion - codec.schema.validVersions[0]]!(reader));
  return { header, body, trailingBytes: finishBody(reader, api, apiVersion, options) };
}

export function decodeResponse(apiKey: number, apiVersion: number, frame: Uint8Array, options?: DecodeOptions): { header: ResponseHeader; body: unknown; trailingBytes: number } {
  const codec = checkVersion(responseByKey.get(apiKey), apiKey, apiVersion, 'Response', 0);
  const api = apiLabel(apiKey, 'Response');
  const reader = new Reader(frame);
  const headerVersion = responseHeaderVersion(apiKey, apiVersion);
  const header = decoding(api, apiVersion, 'header', () => ResponseHeaderCodec.decoders[headerVersion]!(reader));
  const body = decoding(api, apiVersion, '', () => codec.decoders[apiVersion - codec.schema.validVersions[0]]!(reader));
  return { header, body, trailingBytes: finishBody(reader, api, apiVersion, options) };
}

function encodableCodec(codec: MessageCodec<unknown> | undefined, apiKey: number, apiVersion: number, kind: 'Request' | 'Response'): MessageCodec<unknown> {
  if (codec === undefined) throw new WireEncodeError(`no API has key ${apiKey}`);
  if (!inRange(codec.schema.validVersions, apiVersion)) {
    throw new WireEncodeError(`${apiLabel(apiKey, kind)} has no version ${apiVersion} (valid: ${codec.schema.validVersions[0]} to ${codec.schema.validVersions[1]})`);
  }
  return codec;
}

/**
 * One writer reused by every encode (encoding is synchronous and never re-entered), so a small
 * message costs no buffer allocation but its result's; a writer grown past 1 MiB is dropped after use.
 */
let scratch = new Writer(64 * 1024);

function takeWriter(): Writer {
  scratch.pos = 0;
  return scratch;
}

/** The encoded bytes in their own buffer (pooled by node for small frames). */
function copyOut(writer: Writer): Uint8Array {
  const out = Buffer.allocUnsafe(writer.pos);
  out.set(writer.buf.subarray(0, writer.pos));
  if (writer.buf.length > 1024 * 1024) scratch = new Writer(64 * 1024);
  return out;
}

export function encodeRequest(header: RequestHeader, body: unknown): Uint8Array {
  const apiKey = header.requestApiKey;
  const apiVersion = header.requestApiVersion;
  const codec = encodableCodec(requestByKey.get(apiKey), apiKey, apiVersion, 'Request');
  const api = apiLabel(apiKey, 'Request');
  const writer = takeWriter();
  encoding(`${api} header`, apiVersion, () => RequestHeaderCodec.encoders[requestHeaderVersion(apiKey, apiVersion)]!(writer, header as RequestHeaderData));
  encoding(api, apiVersion, () => codec.encoders[apiVersion - codec.schema.validVersions[0]]!(writer, body));
  return copyOut(writer);
}

export function encodeResponse(apiKey: number, apiVersion: number, header: ResponseHeader, body: unknown): Uint8Array {
  const codec = encodableCodec(responseByKey.get(apiKey), apiKey, apiVersion, 'Response');
  const api = apiLabel(apiKey, 'Response');
  const writer = takeWriter();
  encoding(`${api} header`, apiVersion, () => ResponseHeaderCodec.encoders[responseHeaderVersion(apiKey, apiVersion)]!(writer, header as ResponseHeaderData));
  encoding(api, apiVersion, () => codec.encoders[apiVersion - codec.schema.validVersions[0]]!(writer, body));
  return copyOut(writer);
}

/** Decodes one body alone (no header), e.g. a metadata record's payload or a consumer protocol assignment. */
export function decodeMessage<T>(codec: MessageCodec<T>, version: number, bytes: Uint8Array, options?: DecodeOptions): T {
  const name = codec.schema.name;
  if (!inRange(codec.schema.validVersions, version)) {
    throw new WireDecodeError(name, version, '', 0, 'unsupported-version', `valid versions are ${codec.schema.validVersions[0]} to ${codec.schema.validVersions[1]}`);
  }
  const reader = new Reader(bytes);
  const value = decoding(name, version, '', () => codec.decoders[version - codec.schema.validVersions[0]]!(reader));
  finishBody(reader, name, version, options);
  return value;
}

export function encodeMessage<T>(codec: MessageCodec<T>, version: number, value: T): Uint8Array {
  const name = codec.schema.name;
  if (!inRange(codec.schema.validVersions, version)) throw new WireEncodeError(`${name} has no version ${version}`);
  const writer = takeWriter();
  encoding(name, version, () => codec.encoders[version - codec.schema.validVersions[0]]!(writer, value));
  return copyOut(writer);
}

/** socket.request.max.bytes's default (SocketServerConfigs.SOCKET_REQUEST_MAX_BYTES_DEFAULT). */
export const DEFAULT_MAX_FRAME_BYTES = 100 * 1024 * 1024;
/** The bound before authentication (BrokerSecurityConfigs.DEFAULT_SASL_SERVER_MAX_RECEIVE_SIZE). */
export const DEFAULT_MAX_UNAUTHENTICATED_FRAME_BYTES = 512 * 1024;

/**
 * The size prefix of a frame, checked before anything is allocated for it: negative or above the
 * maximum is refused and the connection closed (NetworkReceive.readFrom: InvalidReceiveException).
 * Returns the body size; throws WireDecodeError kind 'frame-size' (or 'truncated' for a short prefix).
 */
export function checkFrameSize(prefix: Uint8Array, maxBytes: number): number {
  if (prefix.length < 4) throw new WireDecodeError('frame', -1, 'size', 0, 'truncated', `a size prefix takes 4 bytes, got ${prefix.length}`);
  const size = new DataView(prefix.buffer, prefix.byteOffset, 4).getInt32(0);
  if (size < 0) throw new WireDecodeError('frame', -1, 'size', 0, 'frame-size', `negative frame size ${size}`);
  if (size > maxBytes) throw new WireDecodeError('frame', -1, 'size', 0, 'frame-size', `frame size ${size} exceeds the maximum ${maxBytes}`);
  return size;
}
