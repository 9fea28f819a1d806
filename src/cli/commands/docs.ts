/**
 * `kspec docs [--out DIR] [--no-api] [--serve [--port P]]`: build the documentation site (what
 * `npm run docs` builds, without rewriting the committed Markdown), and optionally serve it on
 * 127.0.0.1 until interrupted. Serving is sirv's (a small, well-kept static server: MIME types,
 * ranges, no path traversal), bound to the loopback address only.
 */
import { createServer, type Server } from 'node:http';
import { resolve } from 'node:path';
import { Command } from 'commander';
import sirv from 'sirv';
import { integerIn, UsageError } from '../args.js';
import { repoRoot } from '../../repo-root.js';
import { serveUntilInterrupted } from '../serve.js';

const DEFAULT_PORT = 8080;
const ROOT = repoRoot();

export interface DocsOptions {
  readonly out?: string;
  readonly api: boolean;
  readonly serve: boolean;
  readonly port?: number;
}

/** Serves `directory` on 127.0.0.1:`port` (0: any free port); resolves once listening. */
export function serveSite(directory: string, port: number): Promise<Server> {
  const handler = sirv(directory, { dev: true, etag: false });
  const server = createServer((request, response) =>
    handler(request, response, () => {
      response.statusCode = 404;
      response.end('not found');
    }),
  );
  return new Promise((resolveListening, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new UsageError(`port ${port} is in use on 127.0.0.1; choose another with --port`) : error),
    );
    server.listen(port, '127.0.0.1', () => resolveListening(server));
  });
}

export async function docsCommand(options: DocsOptions): Promise<number> {
  if (options.port !== undefined && !options.serve) throw new UsageError('--port needs --serve');
  const { buildDocsSite } = await import('../../../scripts/docs-build.js');
  const outDir = options.out === undefined ? resolve(ROOT, 'docs', 'site') : resolve(options.out);
  await buildDocsSite({ root: ROOT, outDir, api: options.api, log: (line) => console.log(line) });
  if (!options.serve) return 0;
  const server = await serveSite(outDir, options.port ?? DEFAULT_PORT);
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  console.log(`serving ${outDir} at http://127.0.0.1:${port}/ (Ctrl-C stops)`);
  return serveUntilInterrupted(server);
}

/** The `docs` command, for main.ts to add. */
export function docsCommandLine(setExitCode: (code: number) => void): Command {
  return new Command('docs')
    .description('build the documentation site (machines, spec clauses, scenarios, API) into docs/site; --serve serves it on 127.0.0.1')
    .option('--out <dir>', 'where the site goes (default: docs/site in the checkout)')
    .option('--no-api', 'leave out the typedoc API reference (it takes about half a minute)')
    .option('--serve', 'serve the site on 127.0.0.1 after building it, until Ctrl-C', false)
    .option('--port <n>', `with --serve: the port (default ${DEFAULT_PORT}; 0: any free port)`, integerIn(0, 65_535))
    .action(async (options: DocsOptions) => setExitCode(await docsCommand(options)));
}
