/**
 * What the quorum machine asks its shell to do. The machine emits these as data; the simulator
 * (or the live runtime) carries them out.
 */
import type { LogRecord, ProposeResponse, QuorumMessage } from '../../protocol/quorum/messages.js';

export type QuorumEffect =
  /** A network message. For a FetchResponse with data, the shell fills `records` from its log store starting at `attachRecordsFrom`. */
  | { readonly type: 'send'; readonly to: number; readonly message: QuorumMessage; readonly attachRecordsFrom?: number }
  /** Append to this node's log; the first record sits at the log end offset. */
  | { readonly type: 'log.append'; readonly records: LogRecord[] }
  /** Remove every record at or above `toOffset`. */
  | { readonly type: 'log.truncate'; readonly toOffset: number }
  /** The answer to a local Propose. */
  | { readonly type: 'client.reply'; readonly message: ProposeResponse };
