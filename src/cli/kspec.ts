#!/usr/bin/env node
/** Entry point of the kspec command (see main.ts). */
import { main } from './main.js';

/** 128 + SIGPIPE: what a shell reports for a writer whose reader went away (`kspec clauses | head -1`). */
const EXIT_READER_GONE = 141;

// When the reader of our output goes away, stop quietly: there is no one left to tell.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(EXIT_READER_GONE);
    throw error;
  });
}

process.exitCode = await main(process.argv.slice(2));
