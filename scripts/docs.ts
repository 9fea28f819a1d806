/**
 * `npm run docs`: regenerate the machine pages under docs/machines/ and the spec index.
 * A test fails when the committed files differ from what this writes.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { createQuorumMachine } from '../src/machines/quorum/index.js';
import { machineDoc } from '../src/docs/machine-doc.js';
import { quorumClauses } from '../spec/quorum/clauses.js';
import { renderSpecIndex } from './spec-index.js';

const ROOT = join(fileURLToPath(import.meta.url), '..', '..');

export function generatedDocs(): Record<string, string> {
  return {
    'docs/machines/quorum.md': machineDoc(createQuorumMachine(), {
      title: 'The KRaft controller quorum machine',
      summary:
        'One machine per controller (src/machines/quorum). KRaft as Apache Kafka implements it (KIP-595; KafkaRaftClient and QuorumState). What is modelled and what is simplified: [../quorum.md](../quorum.md).',
      clauses: quorumClauses,
    }),
    'spec/INDEX.md': renderSpecIndex(),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const [path, text] of Object.entries(generatedDocs())) {
    writeFileSync(join(ROOT, path), text);
    console.log(`wrote ${path}`);
  }
}
