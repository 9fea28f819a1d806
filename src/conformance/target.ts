/**
 * Wire targets: `kafka://host:port[,host:port...]` (any broker, through kspec's own client). A live
 * kspec cluster is one of these. `sim` and `trace:FILE` are judged by clauses (clause-targets.ts).
 */
import type { Endpoint } from '../client/index.js';

export class TargetError extends Error {}

export function parseTarget(text: string): Endpoint[] {
  const match = /^kafka:\/\/(.+)$/.exec(text);
  if (match === null) throw new TargetError(`target must be kafka://host:port[,host:port...], got '${text}'`);
  return match[1]!.split(',').map((part) => {
    const address = /^(\[[^\]]+\]|[^:/\s]+):(\d{1,5})$/.exec(part.trim());
    const port = address === null ? NaN : Number(address[2]);
    if (address === null || !(port >= 1 && port <= 65535)) throw new TargetError(`bad address '${part}' in ${text}: expected host:port`);
    return { host: address[1]!.replace(/^\[|\]$/g, ''), port };
  });
}
