/**
 * `kspec frame`: Kafka frames to JSON and back, for people debugging their own client or broker.
 *
 *   kspec frame decode [--request|--response] [--api KEY --version V] FILE|-
 *   kspec frame encode --request|--response --api KEY --version V [--raw] FILE|-
 *
 * decode reads one frame, raw bytes or hex text (whitespace allowed), with or without its 4-byte
 * size prefix, and prints it as JSON with Kafka's field names: {api, apiKey, apiVersion, kind,
 * header, body}. A request names its API and version in its header; a response does not, so
 * --response needs --api and --version (a response answers a request the tool never saw). Without
 * --request or --response the frame is a request unless --api/--version are given.
 *
 * encode reads that JSON (or just a body, with correlationId 0 and clientId null in the header)
 * and prints the frame, size prefix included, as hex, or as raw bytes with --raw. Its --api and
 * --version win over any in the JSON.
 *
 * The command is self-contained (its own argument handling): every bad input is one line on
 * stderr and exit code 2.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  apiByKey,
  apis,
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeResponse,
  fromJson,
  toJson,
  WireDecodeError,
  type RequestHeader,
  type ResponseHeader,
} from '../../protocol/wire/index.js';

const USAGE = [
  'usage: kspec frame decode [--request|--response] [--api KEY --version V] FILE|-',
  '       kspec frame encode --request|--response --api KEY --version V [--raw] FILE|-',
].join('\n');

class FrameInputError extends Error {}

const OPTIONS = {
  request: { type: 'boolean' },
  response: { type: 'boolean' },
  api: { type: 'string' },
  version: { type: 'string' },
  raw: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export function frameCommand(args: string[]): number {
  try {
    return runFrame(args);
  } catch (error) {
    // One line for the user, never a stack trace: every failure here is about the input.
    const message = error instanceof Error ? error.message : String(error);
    console.error(`kspec frame: ${message.split('\n')[0]}`);
    return 2;
  }
}

function runFrame(args: string[]): number {
  const [action, ...rest] = args;
  if (action === '--help' || action === '-h' || action === 'help') {
    console.log(USAGE);
    return 0;
  }
  if (action !== 'decode' && action !== 'encode') {
    throw new FrameInputError(action === undefined ? `decode or encode? (${USAGE.split('\n')[0]})` : `unknown action '${action}': decode or encode`);
  }
  const { values, positionals } = parseOptions(rest);
  if (values.help === true) {
    console.log(USAGE);
    return 0;
  }
  if (values.request === true && values.response === true) throw new FrameInputError('--request and --response exclude each other');
  if (positionals.length !== 1) throw new FrameInputError(`one FILE (or - for stdin) expected, got ${positionals.length}`);
  const input = readInput(positionals[0]!);
  const apiKey = values.api === undefined ? undefined : apiKeyOf(values.api);
  const apiVersion = values.version === undefined ? undefined : versionOf(values.version);
  if (action === 'decode') {
    const asResponse = values.response === true || (values.request !== true && (apiKey !== undefined || apiVersion !== undefined));
    console.log(JSON.stringify(asResponse ? decodeResponseFrame(input, apiKey, apiVersion) : decodeRequestFrame(input, apiKey, apiVersion), null, 2));
    return 0;
  }
  if (values.request !== true && values.response !== true) throw new FrameInputError('encode needs --request or --response');
  if (apiKey === undefined || apiVersion === undefined) throw new FrameInputError('encode needs --api KEY and --version V');
  const frame = encodeFrame(values.request === true ? 'request' : 'response', apiKey, apiVersion, parseJson(input));
  const sized = withSizePrefix(frame);
  if (values.raw === true) process.stdout.write(sized);
  else console.log(Buffer.from(sized).toString('hex'));
  return 0;
}

function parseOptions(args: string[]) {
  try {
    return parseArgs({ args, options: OPTIONS, strict: true, allowPositionals: true });
  } catch (error) {
    throw new FrameInputError((error as Error).message);
  }
}

function readInput(path: string): Uint8Array {
  try {
    return readFileSync(path === '-' ? 0 : path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new FrameInputError(`cannot read ${path === '-' ? 'stdin' : `'${path}'`}${code === undefined ? '' : ` (${code})`}`);
  }
}

/** An API by key (0) or by Kafka's name (Produce), case-insensitively. */
function apiKeyOf(text: string): number {
  const byNumber = /^\d+$/.test(text) ? apiByKey(Number(text)) : undefined;
  const info = byNumber ?? apis.find((a) => a.name.toLowerCase() === text.toLowerCase());
  if (info === undefined) throw new FrameInputError(`unknown API '${text}' (a key such as 0 or a name such as Produce)`);
  return info.apiKey;
}

function versionOf(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) > 0x7fff) throw new FrameInputError(`--version must be a non-negative integer, got '${text}'`);
  return Number(text);
}

function checkVersion(apiKey: number, apiVersion: number): void {
  const info = apiByKey(apiKey)!;
  if (apiVersion < info.minVersion || apiVersion > info.maxVersion) {
    throw new FrameInputError(`${info.name} has versions ${info.minVersion}-${info.maxVersion}, not ${apiVersion}`);
  }
}

const HEX_TEXT = /^(0x)?[0-9a-fA-F\s]*$/;

/** The frame in the input: hex text or raw bytes, its size prefix removed when it has one. */
export function frameBytes(input: Uint8Array): Uint8Array {
  let bytes = input;
  const text = Buffer.from(input).toString('latin1');
  if (input.length > 0 && HEX_TEXT.test(text)) {
    const digits = text.replace(/^0x/, '').replace(/\s+/g, '');
    if (digits.length % 2 !== 0) throw new FrameInputError(`hex input has an odd number of digits (${digits.length})`);
    bytes = Buffer.from(digits, 'hex');
  }
  if (bytes.length === 0) throw new FrameInputError('the input is empty');
  if (bytes.length >= 4) {
    const size = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getInt32(0);
    if (size === bytes.length - 4) return bytes.subarray(4);
  }
  return bytes;
}

function decodeFailure(error: unknown): never {
  if (error instanceof WireDecodeError) throw new FrameInputError(`cannot decode: ${error.message}`);
  throw error;
}

function decodeRequestFrame(input: Uint8Array, apiKey: number | undefined, apiVersion: number | undefined): object {
  const frame = frameBytes(input);
  let decoded: { header: RequestHeader; body: unknown };
  try {
    decoded = decodeRequest(frame);
  } catch (error) {
    decodeFailure(error);
  }
  const { header, body } = decoded;
  if (apiKey !== undefined && apiKey !== header.requestApiKey) {
    throw new FrameInputError(`the frame is a ${apiByKey(header.requestApiKey)?.name ?? header.requestApiKey} request, not ${apiByKey(apiKey)!.name}`);
  }
  if (apiVersion !== undefined && apiVersion !== header.requestApiVersion) {
    throw new FrameInputError(`the frame is a v${header.requestApiVersion} request, not v${apiVersion}`);
  }
  return describe('request', header.requestApiKey, header.requestApiVersion, header, body);
}

function decodeResponseFrame(input: Uint8Array, apiKey: number | undefined, apiVersion: number | undefined): object {
  if (apiKey === undefined || apiVersion === undefined) {
    throw new FrameInputError('a response does not name its API: give --api KEY and --version V (those of the request it answers)');
  }
  checkVersion(apiKey, apiVersion);
  const frame = frameBytes(input);
  try {
    const { header, body } = decodeResponse(apiKey, apiVersion, frame);
    return describe('response', apiKey, apiVersion, header, body);
  } catch (error) {
    decodeFailure(error);
  }
}

function describe(kind: 'request' | 'response', apiKey: number, apiVersion: number, header: RequestHeader | ResponseHeader, body: unknown): object {
  return { api: apiByKey(apiKey)!.name, apiKey, apiVersion, kind, header: toJson(header), body: toJson(body) };
}

function parseJson(input: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(input).toString('utf8'));
  } catch (error) {
    throw new FrameInputError(`the input is not JSON: ${(error as Error).message}`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function encodeFrame(kind: 'request' | 'response', apiKey: number, apiVersion: number, json: unknown): Uint8Array {
  checkVersion(apiKey, apiVersion);
  if (!isObject(json)) throw new FrameInputError('the JSON must be an object: {header, body} as decode prints it, or a body');
  const wrapped = isObject(json['body']) && isObject(json['header']);
  const headerJson = wrapped ? (json['header'] as Record<string, unknown>) : {};
  const body = fromJson(apiKey, apiVersion, kind, wrapped ? json['body'] : json);
  const correlationId = int32Field(headerJson, 'correlationId');
  if (kind === 'response') return encodeResponse(apiKey, apiVersion, { correlationId }, body);
  const clientId = headerJson['clientId'] ?? null;
  if (clientId !== null && typeof clientId !== 'string') throw new FrameInputError('header.clientId must be a string or null');
  return encodeRequest({ requestApiKey: apiKey, requestApiVersion: apiVersion, correlationId, clientId }, body);
}

function int32Field(header: Record<string, unknown>, name: string): number {
  const value = header[name] ?? 0;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < -0x80000000 || value > 0x7fffffff) {
    throw new FrameInputError(`header.${name} must be an int32, got ${JSON.stringify(value)}`);
  }
  return value;
}

function withSizePrefix(frame: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + frame.length);
  new DataView(out.buffer).setInt32(0, frame.length);
  out.set(frame, 4);
  return out;
}
