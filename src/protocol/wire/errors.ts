/**
 * The two errors of the wire layer. Decoding hostile bytes throws only WireDecodeError, which says
 * where (API, version, field path, byte offset) and what kind of fault it met, so a server can
 * classify and count parse errors (ecosystem.md §3.4 item 7) instead of crashing.
 */

export type WireDecodeErrorKind =
  | 'truncated'
  | 'negative-length'
  | 'length-exceeds-remaining'
  | 'count-exceeds-remaining'
  | 'invalid-value'
  | 'trailing-bytes'
  | 'unsupported-version'
  | 'unknown-api'
  | 'nesting-too-deep'
  | 'tagged-field'
  | 'frame-size';

export class WireDecodeError extends Error {
  override readonly name = 'WireDecodeError';
  constructor(
    readonly api: string,
    readonly apiVersion: number,
    readonly path: string,
    readonly offset: number,
    readonly kind: WireDecodeErrorKind,
    readonly detail: string,
  ) {
    super(`${api} v${apiVersion}${path === '' ? '' : ` ${path}`} at byte ${offset}: ${kind}: ${detail}`);
  }
}

export class WireEncodeError extends Error {
  override readonly name = 'WireEncodeError';
}

/**
 * Thrown inside the codecs, where the API and version are not known; the entry points turn it
 * into a WireDecodeError. `segments` collects the field path innermost first as the error
 * unwinds through the struct decoders (cheaper than keeping a path while nothing fails).
 */
export class DecodeFault {
  readonly segments: string[] = [];
  constructor(
    readonly kind: WireDecodeErrorKind,
    readonly offset: number,
    readonly detail: string,
  ) {}
  path(): string {
    let path = '';
    for (let i = this.segments.length - 1; i >= 0; i--) path += this.segments[i];
    return path.startsWith('.') ? path.slice(1) : path;
  }
}

/** An encode failure on its way out, collecting the field path like DecodeFault. */
export class EncodeFault {
  readonly segments: string[] = [];
  constructor(readonly detail: string) {}
  path(): string {
    let path = '';
    for (let i = this.segments.length - 1; i >= 0; i--) path += this.segments[i];
    return path.startsWith('.') ? path.slice(1) : path;
  }
}

/** Adds the field a struct codec was at to a fault passing through it. */
export function atField(error: unknown, names: readonly string[], index: number): unknown {
  if (error instanceof DecodeFault || error instanceof EncodeFault) error.segments.push(`.${names[index] ?? '?'}`);
  return error;
}

/** Adds the array index a loop was at to a fault passing through it. */
export function atIndex(error: unknown, index: number): unknown {
  if (error instanceof DecodeFault || error instanceof EncodeFault) error.segments.push(`[${index}]`);
  return error;
}
