/**
 * A segment file in the words of Kafka's kafka-dump-log.sh (kafka.tools.DumpLogSegments.dumpLog and
 * printBatchLevel): one line per batch, and with deep iteration one line per record, so a file
 * written here can be read beside one Kafka wrote.
 */
import * as path from 'node:path';
import { computeBatchCrc, decodeBatchRecords, incrementSequence, type RecordBatchView } from '../../protocol/records/index.js';
import { readSegmentBytes } from './segment-files.js';

export interface DumpOptions {
  /** --deep-iteration: every record, not just the batches. */
  readonly deepIteration: boolean;
  /** --print-data-log: keys and payloads too (implies deep iteration). */
  readonly printDataLog: boolean;
}

const utf8 = new TextDecoder('utf-8');

/** The lines kafka-dump-log.sh prints for one .log file's bytes (without its "Dumping FILE" line). */
export function dumpLogLines(file: string, bytes: Uint8Array, options: DumpOptions): string[] {
  const baseOffset = Number(path.basename(file).split('.')[0]);
  const lines = [`Log starting offset: ${baseOffset}`];
  // Every batch whole and with its CRC reported (isvalid), offsets as they are: the tool reports, it does not recover.
  const read = readSegmentBytes(bytes, null, false, () => undefined);
  for (const view of read.views) {
    lines.push(batchLine(view));
    if (options.deepIteration || options.printDataLog) lines.push(...recordLines(view, options.printDataLog));
  }
  const trailingBytes = bytes.length - read.validBytes;
  if (trailingBytes > 0) lines.push(`Found ${trailingBytes} invalid bytes at the end of ${path.basename(file)}`);
  return lines;
}

function batchLine({ header, bytes, position }: RecordBatchView): string {
  const lastOffset = header.baseOffset + BigInt(header.lastOffsetDelta);
  const lastSequence = header.baseSequence < 0 ? -1 : incrementSequence(header.baseSequence, header.lastOffsetDelta);
  const deleteHorizonMs = header.hasDeleteHorizon ? `OptionalLong[${header.baseTimestamp}]` : 'OptionalLong.empty';
  return (
    `baseOffset: ${header.baseOffset} lastOffset: ${lastOffset} count: ${header.recordsCount} baseSequence: ${header.baseSequence} lastSequence: ${lastSequence}` +
    ` producerId: ${header.producerId} producerEpoch: ${header.producerEpoch} partitionLeaderEpoch: ${header.partitionLeaderEpoch}` +
    ` isTransactional: ${header.isTransactional} isControl: ${header.isControl} deleteHorizonMs: ${deleteHorizonMs}` +
    ` position: ${position} ${header.timestampType}: ${header.maxTimestamp} size: ${bytes.length} magic: ${header.magic}` +
    ` compresscodec: ${header.compression} crc: ${header.crc} isvalid: ${computeBatchCrc(bytes) === header.crc}`
  );
}

function recordLines(batch: RecordBatchView, printDataLog: boolean): string[] {
  let records;
  try {
    records = decodeBatchRecords(batch, { maxUncompressedBytes: 64 * 1024 * 1024 });
  } catch (error) {
    return [`| records unreadable: ${(error as Error).message}`];
  }
  return records.map((r) => {
    let line = `| offset: ${r.offset} ${batch.header.timestampType}: ${r.timestamp} keySize: ${r.key?.length ?? -1} valueSize: ${r.value?.length ?? -1}`;
    line += ` sequence: ${r.sequence} headerKeys: [${r.headers.map((h) => h.key).join(',')}]`;
    if (printDataLog && !batch.header.isControl) {
      if (r.key !== null) line += ` key: ${utf8.decode(r.key)}`;
      if (r.value !== null) line += ` payload: ${utf8.decode(r.value)}`;
    }
    return line;
  });
}
