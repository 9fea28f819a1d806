/**
 * A scenario's message sequence diagram, drawn as SVG from its golden transcript: one lifeline per
 * node the transcript names (n1, broker 2, the controller, a group's coordinator) beside one for
 * the script itself (clients and faults); each `nA->nB Message` line is an arrow, each other line
 * a note over the nodes it names, each command a band across the diagram. The transcript is what
 * the scenario test asserts, so the diagram shows exactly what the run is checked to do.
 * Deterministic text layout (no browser, no font metrics): widths are estimated per character.
 */
import type { ScriptBlock } from '../src/scenario/script.js';
import { escapeHtml } from './docs-html.js';

export const SCRIPT_LANE = 'script';
const CONTROLLER_LANE = 'controller';
const GROUP_LANE = 'group coordinator';

type Row =
  | { readonly kind: 'command'; readonly text: string }
  | { readonly kind: 'arrow'; readonly from: string; readonly to: string; readonly text: string; readonly time: string }
  | { readonly kind: 'note'; readonly lanes: readonly string[]; readonly text: string; readonly time: string };

/** Commands whose output is a report of the state, not events of the run. */
const REPORTS = new Set(['status', 'check', 'log', 'pending', 'group', 'consumers-status']);

const ARROW = /^(?:t=(\d+) )?(n\d+)->(n\d+) (.*)$/;
const TIME = /^t=(\d+) (.*)$/;

/** The lanes a transcript line speaks of: nodes by name, the controller, a group. */
export function lanesOf(line: string): string[] {
  const lanes = new Set<string>();
  for (const [, n] of line.matchAll(/\bn(\d+)\b/g)) lanes.add(`n${n}`);
  for (const [, n] of line.matchAll(/\bbrokers? (\d+)\b/g)) lanes.add(`n${n}`);
  const leaderChange = /\bleader (\d+) -> (\d+)/.exec(line);
  if (leaderChange !== null) lanes.add(`n${leaderChange[1]}`).add(`n${leaderChange[2]}`);
  for (const [, n] of line.matchAll(/\bleader (\d+)\b/g)) lanes.add(`n${n}`);
  if (/\bcontroller\b/.test(line) && !/\bcontroller\(s\)/.test(line)) lanes.add(CONTROLLER_LANE);
  if (/^group \S+:/.test(line)) lanes.add(GROUP_LANE);
  return [...lanes];
}

/** Client writes and reads in a transcript: `write v1 ... user_activity-0 acks=all: ok`, `callback p1 ... user_activity-1: ok`, `consumed user_activity-0 offset=0 v1`. */
const WRITE = /^(?:write|callback) /;
const READ = /^consumed /;
const PARTITION = /\b[\w.-]+-\d+\b/g;
/** What names a partition's leader: placement, a leader change, a status line. */
const LEADER_IS = [/^([\w.-]+-\d+): replicas \[[^\]]*\], leader (\d+)/, /^([\w.-]+-\d+): leader \d+ -> (\d+)/, /^([\w.-]+-\d+): leader (\d+) epoch/];

/** Follows each partition's leader through the transcript, so client operations are drawn to it. */
function trackLeader(leaders: Map<string, string>, text: string): void {
  for (const pattern of LEADER_IS) {
    const match = pattern.exec(text);
    if (match !== null) leaders.set(match[1]!, `n${match[2]}`);
  }
}

export function sequenceRows(blocks: readonly ScriptBlock[]): Row[] {
  const rows: Row[] = [];
  const leaders = new Map<string, string>();
  for (const block of blocks) {
    const command = [block.command, ...block.words].join(' ');
    rows.push({ kind: 'command', text: command });
    const targets = lanesOf(command);
    if (targets.length > 0) rows.push({ kind: 'arrow', from: SCRIPT_LANE, to: targets[0]!, text: command, time: '' });
    if (REPORTS.has(block.command)) {
      // A report (a status table, the verdicts) is read in the walkthrough, not drawn line by line.
      if (block.expected.length > 0) rows.push({ kind: 'note', lanes: [SCRIPT_LANE], text: `${block.expected.length} line(s) of ${block.command}: see the walkthrough`, time: '' });
      continue;
    }
    for (const line of block.expected) {
      const arrow = ARROW.exec(line.trim());
      if (arrow !== null) {
        rows.push({ kind: 'arrow', from: arrow[2]!, to: arrow[3]!, text: arrow[4]!, time: arrow[1] ?? '' });
        continue;
      }
      const timed = TIME.exec(line.trim());
      const text = timed === null ? line.trim() : timed[2]!;
      trackLeader(leaders, text);
      const write = WRITE.test(text);
      const read = READ.test(text);
      // The partition is the first token that names one whose leader is known (not `key=user-0`).
      const partition = write || read ? [...text.matchAll(PARTITION)].map((m) => m[0]).find((p) => leaders.has(p)) : undefined;
      const leader = partition === undefined ? undefined : leaders.get(partition);
      if (leader !== undefined) {
        rows.push(write ? { kind: 'arrow', from: SCRIPT_LANE, to: leader, text, time: timed?.[1] ?? '' } : { kind: 'arrow', from: leader, to: SCRIPT_LANE, text, time: timed?.[1] ?? '' });
        continue;
      }
      const lanes = lanesOf(text);
      rows.push({ kind: 'note', lanes: lanes.length === 0 ? [SCRIPT_LANE] : lanes, text, time: timed?.[1] ?? '' });
    }
  }
  return rows;
}

function laneOrder(rows: readonly Row[]): string[] {
  const seen = new Set<string>([SCRIPT_LANE]);
  const nodes = new Set<string>();
  for (const row of rows) {
    const lanes = row.kind === 'arrow' ? [row.from, row.to] : row.kind === 'note' ? row.lanes : [];
    for (const lane of lanes) if (lane.startsWith('n')) nodes.add(lane);
    for (const lane of lanes) if (!lane.startsWith('n')) seen.add(lane);
  }
  const numbered = [...nodes].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
  return [SCRIPT_LANE, ...[...seen].filter((l) => l !== SCRIPT_LANE), ...numbered];
}

const CHAR_PX = 6.2;
const clip = (text: string, widthPx: number): string => {
  const max = Math.max(4, Math.floor(widthPx / CHAR_PX));
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
};

/** The SVG, at most `maxRows` rows (a last row says how many were left out). */
export function sequenceSvg(blocks: readonly ScriptBlock[], maxRows = 160): string {
  const all = sequenceRows(blocks);
  const rows = all.slice(0, maxRows);
  const lanes = laneOrder(rows);
  const laneGap = 170;
  const left = 60;
  const top = 40;
  const rowHeight = 22;
  const x = new Map(lanes.map((lane, i) => [lane, left + i * laneGap + laneGap / 2]));
  const width = left + lanes.length * laneGap + 20;
  const height = top + (rows.length + (all.length > rows.length ? 1 : 0)) * rowHeight + 30;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="11" role="img" aria-label="message sequence">`,
    '<defs><marker id="arrowhead" markerWidth="8" markerHeight="8" refX="7" refY="4" orient="auto"><path d="M0,0 L8,4 L0,8 z" fill="#50606f"/></marker></defs>',
  ];
  for (const lane of lanes) {
    const lx = x.get(lane)!;
    out.push(`<text x="${lx}" y="20" text-anchor="middle" font-weight="bold">${escapeHtml(lane)}</text>`);
    out.push(`<line x1="${lx}" y1="28" x2="${lx}" y2="${height - 10}" stroke="#b8c4cf" stroke-dasharray="4 3"/>`);
  }
  rows.forEach((row, i) => {
    const y = top + i * rowHeight;
    if (row.kind === 'command') {
      out.push(`<rect x="4" y="${y - 2}" width="${width - 8}" height="${rowHeight - 2}" fill="#e6edf5"/>`);
      out.push(`<text x="10" y="${y + 13}" font-family="ui-monospace, Menlo, monospace" font-weight="bold">${escapeHtml(clip(row.text, width - 20))}</text>`);
    } else if (row.kind === 'arrow') {
      const x1 = x.get(row.from)!;
      const x2 = x.get(row.to)!;
      const label = `${row.time === '' ? '' : `t=${row.time} `}${row.text}`;
      if (row.time !== '') out.push(`<text x="6" y="${y + 14}" fill="#8895a1" font-size="9">${row.time}</text>`);
      out.push(`<line x1="${x1}" y1="${y + 14}" x2="${x2}" y2="${y + 14}" stroke="#50606f" marker-end="url(#arrowhead)"><title>${escapeHtml(label)}</title></line>`);
      const mid = (x1 + x2) / 2;
      out.push(`<text x="${mid}" y="${y + 10}" text-anchor="middle"><title>${escapeHtml(label)}</title>${escapeHtml(clip(row.text, Math.max(Math.abs(x2 - x1), laneGap) - 10))}</text>`);
    } else {
      const xs = row.lanes.map((lane) => x.get(lane)!);
      // A line that names no node is about the run as a whole: it spans the diagram.
      const whole = row.lanes.length === 1 && row.lanes[0] === SCRIPT_LANE;
      const x1 = Math.min(...xs) - laneGap / 2 + 8;
      const x2 = whole ? width - 12 : Math.min(width - 12, Math.max(Math.max(...xs) + laneGap / 2 - 8, x1 + row.text.length * CHAR_PX + 12));
      const label = `${row.time === '' ? '' : `t=${row.time} `}${row.text}`;
      if (row.time !== '') out.push(`<text x="6" y="${y + 14}" fill="#8895a1" font-size="9">${row.time}</text>`);
      out.push(`<rect x="${x1}" y="${y + 1}" width="${x2 - x1}" height="${rowHeight - 4}" rx="3" fill="#fff8dc" stroke="#d8c98a"><title>${escapeHtml(label)}</title></rect>`);
      out.push(`<text x="${x1 + 5}" y="${y + 14}"><title>${escapeHtml(label)}</title>${escapeHtml(clip(row.text, x2 - x1 - 10))}</text>`);
    }
  });
  if (all.length > rows.length) {
    out.push(`<text x="10" y="${top + rows.length * rowHeight + 14}" fill="#5b6874">… ${all.length - rows.length} more lines: see the transcript below</text>`);
  }
  out.push('</svg>');
  return out.join('\n') + '\n';
}
