/**
 * The metadata log's entries as the node layer reads them: each committed record of the quorum's
 * log is one controller decision (a batch of metadata records), written as JSON by `propose`.
 */
import type { MetadataEntry } from '../protocol/replication/messages.js';

export type { MetadataEntry };

/** The entry a log record holds, or null for a record that is not one (the leader's epoch-start marker). */
export function parseMetadataEntry(value: string): MetadataEntry | null {
  if (!value.startsWith('{')) return null;
  try {
    const parsed = JSON.parse(value) as MetadataEntry;
    return Array.isArray(parsed.records) ? parsed : null;
  } catch {
    return null;
  }
}
