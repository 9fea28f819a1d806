/** `kspec frame`: a captured frame to JSON and back to the same bytes; bad input is one line and exit 2. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { frameCommand, frameBytes } from '../../src/cli/commands/frame.js';

const CORPUS = join(fileURLToPath(import.meta.url), '..', '..', 'fixtures', 'wire-corpus');
/** A kcat Produce v7 request (acks=all) and the mock's answer. */
const PRODUCE = join(CORPUS, '010-kcat-k0v7');
const tmp = mkdtempSync(join(tmpdir(), 'kspec-frame-'));

let out: string[] = [];
let err: string[] = [];
beforeEach(() => {
  out = [];
  err = [];
  vi.spyOn(console, 'log').mockImplementation((...a) => void out.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a) => void err.push(a.join(' ')));
});
afterEach(() => vi.restoreAllMocks());

function file(name: string, content: string | Uint8Array): string {
  const path = join(tmp, name);
  writeFileSync(path, content);
  return path;
}

function sized(frame: Uint8Array): Buffer {
  const prefix = Buffer.alloc(4);
  prefix.writeInt32BE(frame.length);
  return Buffer.concat([prefix, frame]);
}

describe('kspec frame', () => {
  const request = readFileSync(`${PRODUCE}.req.bin`);
  const response = readFileSync(`${PRODUCE}.res.bin`);

  it('decodes a captured request to JSON with Kafka field names, and encodes it back to the same bytes', () => {
    expect(frameCommand(['decode', `${PRODUCE}.req.bin`])).toBe(0);
    const json = JSON.parse(out.join('\n'));
    expect(json).toMatchObject({ api: 'Produce', apiKey: 0, apiVersion: 7, kind: 'request', header: { clientId: 'rdkafka' } });
    expect(json.body).toMatchObject({ acks: -1, topicData: [{ name: 'kcat-acks' }] });
    out = [];
    expect(frameCommand(['encode', '--request', '--api', 'Produce', '--version', '7', file('p.json', JSON.stringify(json))])).toBe(0);
    expect(out.join('')).toBe(sized(request).toString('hex'));
  });

  it('reads hex text, with or without the size prefix, the same as raw bytes', () => {
    expect(frameCommand(['decode', '--response', '--api', '0', '--version', '7', `${PRODUCE}.res.bin`])).toBe(0);
    const fromRaw = out.join('\n');
    out = [];
    const hex = sized(response).toString('hex').replace(/(.{16})/g, '$1 \n');
    expect(frameCommand(['decode', '--response', '--api', 'produce', '--version', '7', file('r.hex', hex)])).toBe(0);
    expect(out.join('\n')).toBe(fromRaw);
    expect(JSON.parse(fromRaw).body.responses[0].name).toBe('kcat-acks');
  });

  it('encodes a response from JSON and decodes it again', () => {
    expect(frameCommand(['decode', '--response', '--api', '0', '--version', '7', `${PRODUCE}.res.bin`])).toBe(0);
    const json = out.join('\n');
    out = [];
    const written: Uint8Array[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (written.push(chunk as Uint8Array), true));
    expect(frameCommand(['encode', '--response', '--api', '0', '--version', '7', '--raw', file('r.json', json)])).toBe(0);
    expect(Buffer.concat(written).equals(sized(response))).toBe(true);
    expect(frameCommand(['encode', '--response', '--api', '0', '--version', '7', file('r.json', json)])).toBe(0);
    expect(out.join('')).toBe(sized(response).toString('hex'));
  });

  it('strips a size prefix only when it is the frame length', () => {
    expect(Buffer.from(frameBytes(sized(request))).equals(request)).toBe(true);
    expect(Buffer.from(frameBytes(request)).equals(request)).toBe(true);
  });

  const bad: [string, string[], RegExp][] = [
    ['no action', [], /decode or encode/],
    ['an unknown action', ['frob', 'x'], /unknown action 'frob'/],
    ['an unknown option', ['decode', '--nope', 'x'], /Unknown option '--nope'/],
    ['no file', ['decode'], /one FILE/],
    ['a missing file', ['decode', '/no/such/frame'], /cannot read '\/no\/such\/frame' \(ENOENT\)/],
    ['a response without its API', ['decode', '--response', `${PRODUCE}.res.bin`], /does not name its API/],
    ['an unknown API', ['decode', '--api', 'Frobnicate', '--version', '0', `${PRODUCE}.res.bin`], /unknown API 'Frobnicate'/],
    ['a version the API lacks', ['decode', '--response', '--api', '0', '--version', '99', `${PRODUCE}.res.bin`], /Produce has versions \d+-\d+, not 99/],
    ['both directions', ['decode', '--request', '--response', `${PRODUCE}.req.bin`], /exclude each other/],
    ['a request of another API than --api', ['decode', '--request', '--api', 'Fetch', `${PRODUCE}.req.bin`], /a Produce request, not Fetch/],
    ['encode without a direction', ['encode', '--api', '0', '--version', '7', `${PRODUCE}.req.bin`], /--request or --response/],
    ['encode of something not JSON', ['encode', '--request', '--api', '0', '--version', '7', `${PRODUCE}.req.bin`], /not JSON/],
  ];
  for (const [what, args, message] of bad) {
    it(`refuses ${what} with one line and exit 2`, () => {
      expect(frameCommand(args)).toBe(2);
      expect(err).toHaveLength(1);
      expect(err[0]).toMatch(/^kspec frame: /);
      expect(err[0]).toMatch(message);
    });
  }

  it('refuses a truncated frame, odd hex, empty input and a JSON body of the wrong shape with one line and exit 2', () => {
    const cases: [string[], RegExp][] = [
      [['decode', file('t.bin', request.subarray(0, 30))], /cannot decode: ProduceRequest v7 .* at byte \d+: truncated/],
      [['decode', file('odd.hex', 'abc')], /odd number of digits/],
      [['decode', file('empty.bin', '')], /empty/],
      [['encode', '--request', '--api', '0', '--version', '7', file('b.json', '{"header":{},"body":{"acks":"all"}}')], /acks/],
      [['encode', '--request', '--api', '0', '--version', '7', file('c.json', '{"header":{"correlationId":1.5},"body":{}}')], /./],
      [['encode', '--request', '--api', '0', '--version', '7', file('d.json', '[1,2]')], /must be an object/],
    ];
    for (const [args, message] of cases) {
      err = [];
      expect(frameCommand(args)).toBe(2);
      expect(err).toHaveLength(1);
      expect(err[0]).toMatch(message);
    }
  });
});
