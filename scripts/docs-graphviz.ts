/** The diagrams are drawn by src/docs/graphviz.ts, which the web stepper shares (src/ must not import scripts/). */
export * from '../src/docs/graphviz.js';
