/** The CLI's reproduce hints and trace paths: the one writer, src/sim/reproduce.ts. */
export * from '../sim/reproduce.js';
