/**
 * Scenario scripts in etcd raft's data-driven style: a command line, a `----` line, then the
 * expected output up to a blank line. Lines starting with `#` are comments. Each command's
 * arguments are `key=value` words or bare words, decoded with an io-ts codec so a malformed script
 * gets an error naming the line and the field. A parameter the command does not take is an error,
 * never ignored; CRLF line ends read as LF; a script with no command is an error, not a pass.
 */
import type * as t from 'io-ts';

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
  // A script saved with CRLF line ends would otherwise carry a \r on every expected line, and differ invisibly.
  const lines = text.split(/\r?\n/);
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
  if (blocks.length === 0) throw new ScriptError('no command in the script: an empty scenario checks nothing');
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

/** The `key=` parameters an io-ts codec of command arguments declares (t.type, t.partial and their intersections). */
export function declaredKeys(codec: t.Mixed): string[] {
  const c = codec as t.Mixed & { props?: Record<string, unknown>; types?: t.Mixed[] };
  if (c.props !== undefined) return Object.keys(c.props);
  if (c.types !== undefined) return c.types.flatMap(declaredKeys);
  return [];
}

/** The block's words as arguments, or a ScriptError naming a `key=` the command does not take. */
export function argsFor(block: ScriptBlock, codec: t.Mixed): Record<string, string | string[]> {
  const args = wordsToArgs(block.words);
  const known = declaredKeys(codec).filter((k) => k !== '_');
  const unknown = Object.keys(args).filter((k) => k !== '_' && !known.includes(k));
  if (unknown.length > 0) {
    throw new ScriptError(`line ${block.line}: command '${block.command}' takes no parameter '${unknown[0]}'${known.length > 0 ? `; it takes ${known.map((k) => `${k}=`).join(', ')}` : ''}`);
  }
  return args;
}
