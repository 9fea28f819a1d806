/** What `kspec docs --serve` and `kspec step --web` share: serve until Ctrl-C (or SIGTERM), then close every connection. */
import type { Server } from 'node:http';

export async function serveUntilInterrupted(server: Server): Promise<number> {
  await new Promise<void>((stopped) => {
    const stop = (): void => {
      server.close(() => stopped());
      server.closeAllConnections();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}
