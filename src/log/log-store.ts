/**
 * Partition log storage behind one interface. Machines never hold record payloads: they change a
 * log through effects (append, truncate) that their shell applies, and the shell reads the log
 * when it builds a fetch response. The in-memory store is the only implementation for now.
 */
import type { LogRecord } from '../protocol/quorum/messages.js';

export interface LogStore {
  /** Offset of the next record to be appended. */
  logEndOffset(): number;
  /** Append records; the first must sit at logEndOffset() (asserted). */
  append(records: readonly LogRecord[]): void;
  /** Remove every record at or above `offset`. */
  truncateTo(offset: number): void;
  /** Up to `maxRecords` records starting at `offset` (empty if offset >= logEndOffset). */
  read(offset: number, maxRecords: number): LogRecord[];
  /** Every record, oldest first (for checkers and traces). */
  all(): readonly LogRecord[];
}

export class MemoryLogStore implements LogStore {
  private readonly records: LogRecord[] = [];

  constructor(initial: readonly LogRecord[] = []) {
    this.append(initial);
  }

  logEndOffset(): number {
    return this.records.length;
  }

  append(records: readonly LogRecord[]): void {
    for (const record of records) {
      if (record.offset !== this.records.length) {
        throw new Error(`log append out of order: record at ${record.offset}, log end offset ${this.records.length}`);
      }
      const last = this.records[this.records.length - 1];
      if (last !== undefined && record.epoch < last.epoch) {
        throw new Error(`log append with a lower epoch: ${record.epoch} after ${last.epoch} at offset ${record.offset}`);
      }
      this.records.push(record);
    }
  }

  truncateTo(offset: number): void {
    if (offset < 0) throw new Error(`truncate to negative offset ${offset}`);
    if (offset < this.records.length) this.records.length = offset;
  }

  read(offset: number, maxRecords: number): LogRecord[] {
    return this.records.slice(offset, offset + maxRecords);
  }

  all(): readonly LogRecord[] {
    return this.records;
  }
}
