/**
 * `kspec step FILE --web`: the stepper's page on 127.0.0.1. The page (static/) is plain HTML,
 * CSS and a script, served by sirv from the checkout; it talks to the session through the JSON
 * API (api.ts). Nothing is fetched from the network: the diagrams are drawn here by Graphviz
 * compiled to WebAssembly.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { join } from 'node:path';
import sirv from 'sirv';
import { repoRoot } from '../../repo-root.js';
import type { StepperApi } from './api.js';

/** A request body larger than this is refused: the API's bodies are a few numbers or a file name. */
const BODY_BYTES_MAX = 64 * 1024;

export const STATIC_DIRECTORY = join(repoRoot(), 'src', 'trace', 'web', 'static');

export class PortInUseError extends Error {}

/** Serves the page and the API on 127.0.0.1:`port` (0: any free port); resolves once listening. */
export function serveStepper(api: StepperApi, port: number): Promise<Server> {
  const assets = sirv(STATIC_DIRECTORY, { dev: true, etag: false });
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    if (!path.startsWith('/api/')) {
      assets(request, response, () => {
        response.statusCode = 404;
        response.end('not found');
      });
      return;
    }
    readBody(request)
      .then((body) => api.handle(request.method ?? 'GET', path, body))
      .then((answer) => {
        response.writeHead(answer.status, { 'content-type': answer.type === 'svg' ? 'image/svg+xml' : 'application/json', 'cache-control': 'no-store' });
        response.end(answer.body);
      })
      .catch((error: Error) => {
        response.writeHead(error instanceof BodyTooLarge ? 413 : 500, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: error.message }));
      });
  });
  return new Promise((listening, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'EADDRINUSE' ? new PortInUseError(`port ${port} is in use on 127.0.0.1; choose another with --port`) : error));
    server.listen(port, '127.0.0.1', () => listening(server));
  });
}

class BodyTooLarge extends Error {}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    request.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > BODY_BYTES_MAX) {
        fail(new BodyTooLarge(`a request body is at most ${BODY_BYTES_MAX} bytes`));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => done(Buffer.concat(chunks).toString('utf8')));
    request.on('error', fail);
  });
}

/** The port the server listens on. */
export function portOf(server: Server): number {
  const address = server.address();
  return typeof address === 'object' && address !== null ? address.port : 0;
}
