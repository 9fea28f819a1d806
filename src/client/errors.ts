/**
 * How a request can end without a decoded response. The distinction matters to histories: a
 * request that timed out or lost its connection after being written may have been applied by the
 * broker (an indefinite outcome, history `info`); one that was never written certainly was not.
 */
export class ConnectError extends Error {
  constructor(readonly address: string, reason: string) {
    super(`cannot connect to ${address}: ${reason}`);
  }
}

/** Written, then no answer within the timeout: the broker may or may not have applied it. */
export class RequestTimeoutError extends Error {
  readonly indefinite = true;
  constructor(readonly api: string, readonly timeoutMs: number) {
    super(`${api}: no response within ${timeoutMs} ms`);
  }
}

/** The connection closed with the request in flight: indefinite as well. */
export class DisconnectedError extends Error {
  readonly indefinite = true;
  constructor(readonly api: string, readonly address: string) {
    super(`${api}: connection to ${address} closed before the response`);
  }
}

/** A response whose bytes our codecs refuse: the target broke the protocol. */
export class ResponseDecodeError extends Error {
  constructor(readonly api: string, detail: string, readonly frame: Uint8Array) {
    super(`${api}: undecodable response: ${detail}`);
  }
}

/** The target does not offer an API (or any version of it we speak). */
export class UnsupportedApiError extends Error {
  constructor(readonly api: string) {
    super(`the target offers no version of ${api} that kspec speaks`);
  }
}

export function isIndefinite(error: unknown): boolean {
  return error instanceof RequestTimeoutError || error instanceof DisconnectedError;
}
