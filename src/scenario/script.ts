/**
 * Scenario scripts in etcd raft's data-driven style: a command line, a `----` line, then the
 * expected output up to a blank line. Lines starting with `#` are comments. Each command's
 * arguments are `key=value` words or bare words, decoded with an io-ts codec so a malformed script
 * gets an error naming the line and the field.
 */
export interface ScriptBlock {
  /** 1-based line number of the command. */
  readonly line: number;
  readonly command: string;
  readonly words: string[];
  readonly expected: string[];
  /** Comment lines just above the command, kept when the file is rewritten. */
  readonly comments: string[];
}

export class ScriptError extends Error {}

export function parseScript(text: string): ScriptBlock[] {
  const lines = text.split('\n');
  const blocks: ScriptBlock[] = [];
  let comments: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const raw = lines[i] as string;
    const line = raw.trim();
    if (line === '') {
      i++;
      continue;
    }
    if (line.startsWith('#')) {
      comments.push(raw);
      i++;
      continue;
    }
    const [command, ...words] = line.split(/\s+/);
    if (lines[i + 1]?.trim() !== '----') {
      throw new ScriptError(`line ${i + 1}: command '${line}' must be followed by a '----' line and its expected output`);
    }
    const expected: string[] = [];
    let j = i + 2;
    while (j < lines.length && (lines[j] as string).trim() !== '') expected.push(lines[j++] as string);
    blocks.push({ line: i + 1, command: command as string, words, expected, comments });
    comments = [];
    i = j;
  }
  return blocks;
}

export function renderScript(blocks: readonly { block: ScriptBlock; output: string[] }[]): string {
  return blocks
    .map(({ block, output }) => [...block.comments, [block.command, ...block.words].join(' '), '----', ...output].join('\n'))
    .join('\n\n') + '\n';
}

/** `key=value` words into a record; bare words land under `_` in order. */
export function wordsToArgs(words: readonly string[]): Record<string, string | string[]> {
  const args: Record<string, string | string[]> = { _: [] };
  for (const word of words) {
    const eq = word.indexOf('=');
    if (eq > 0) args[word.slice(0, eq)] = word.slice(eq + 1);
    else (args['_'] as string[]).push(word);
  }
  return args;
}
