import { describe, expect, it } from 'vitest';
import { encodeRecordBatch, validateProduceRecords } from '../../src/protocol/records/index.js';

const batch = (compression: 'none' | 'zstd' = 'none') =>
  encodeRecordBatch({ baseTimestamp: 0n, compression, records: [{ key: null, value: Uint8Array.of(1, 2, 3) }] });

const joined = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => Array.from(p)));

describe("a Produce partition's records, as ProduceRequest.validateRecords checks them", () => {
  it('accepts exactly one v2 batch and hands back a view of it', () => {
    const bytes = batch();
    const check = validateProduceRecords(9, bytes);
    expect(check.ok && check.batch.bytes.length).toBe(bytes.length);
  });

  it('refuses no batch, two batches, and a legacy message set as INVALID_RECORD', () => {
    expect(validateProduceRecords(9, new Uint8Array(0))).toMatchObject({ ok: false, error: 'INVALID_RECORD' });
    expect(validateProduceRecords(9, joined(batch(), batch()))).toMatchObject({ ok: false, error: 'INVALID_RECORD', message: expect.stringMatching(/exactly one/) });
    const legacy = batch();
    legacy[16] = 1;
    expect(validateProduceRecords(9, legacy)).toMatchObject({ ok: false, error: 'INVALID_RECORD' });
  });

  it('refuses zstd before Produce v7 as UNSUPPORTED_COMPRESSION_TYPE, accepts it from v7', () => {
    expect(validateProduceRecords(6, batch('zstd'))).toMatchObject({ ok: false, error: 'UNSUPPORTED_COMPRESSION_TYPE' });
    expect(validateProduceRecords(7, batch('zstd')).ok).toBe(true);
  });

  it('refuses a CRC mismatch as CORRUPT_MESSAGE', () => {
    const bytes = batch();
    bytes[bytes.length - 1]! ^= 1;
    expect(validateProduceRecords(9, bytes)).toMatchObject({ ok: false, error: 'CORRUPT_MESSAGE' });
  });

  it('drops a partial batch after the first, as Kafka trims invalid trailing bytes', () => {
    const whole = batch();
    const check = validateProduceRecords(9, joined(whole, batch().subarray(0, 30)));
    expect(check.ok && check.batch.bytes.length).toBe(whole.length);
    expect(validateProduceRecords(9, whole.subarray(0, 30))).toMatchObject({ ok: false, error: 'INVALID_RECORD' });
  });
});
