/**
 * One line per message, shared by traces, golden scenario files and the stepper
 * (etcd raft's DescribeMessage): `n1->n2 VoteRequest epoch=3 last=5@2`. The bodies are the
 * registry's: each API module renders its own messages.
 */
import { renderMessageBody } from '../registry.js';
import type { QuorumMessage } from './messages.js';

export function renderMessage(from: number, to: number, message: QuorumMessage): string {
  return `${from < 0 ? 'client' : `n${from}`}->${to < 0 ? 'client' : `n${to}`} ${renderBody(message)}`;
}

export function renderBody(m: QuorumMessage): string {
  return renderMessageBody(m);
}
