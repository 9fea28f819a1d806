/**
 * `--faults process`: the target's own shell commands kill and restart one of its brokers. kspec
 * knows nothing of how the target runs (one process for the whole cluster as `kspec up` today, a
 * process per broker as `kspec node`, containers, systemd units): it fills a template per broker
 * and runs it with /bin/sh.
 *
 * Placeholders, filled from the broker's entry in the target's Metadata:
 *   {node}  the broker's node id
 *   {host}  its advertised host
 *   {port}  its advertised port
 * `{{` and `}}` stand for a literal brace. Any other `{...}` is a bad template (usage error).
 *
 * The kill command should end the broker abruptly (kill -9: no controlled shutdown, no flush); the
 * restart command should start it again on the same data and return (a server left running must
 * not hold the command's stdout or stderr: redirect them). The suite waits for the broker itself.
 */
import { spawn } from 'node:child_process';

export const PLACEHOLDERS = ['node', 'host', 'port'] as const;
type Placeholder = (typeof PLACEHOLDERS)[number];

export type BrokerAddress = Readonly<Record<Placeholder, string | number>>;

/** A template that cannot be filled: the command line's fault, reported in one line. */
export class TemplateError extends Error {}

/** A kill or restart command that failed when run (exit status, signal or timeout). */
export class FaultCommandError extends Error {}

type Part = { readonly text: string } | { readonly placeholder: Placeholder };

/** Parses a template into text and placeholders; throws TemplateError naming the flag and the fault. */
export function parseTemplate(flag: string, template: string): readonly Part[] {
  if (template.trim() === '') throw new TemplateError(`${flag} is empty`);
  const parts: Part[] = [];
  let text = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if ((c === '{' || c === '}') && template[i + 1] === c) {
      text += c;
      i++;
      continue;
    }
    if (c === '}') throw new TemplateError(`${flag}: a lone "}" at character ${i + 1} (write "}}" for a literal brace)`);
    if (c !== '{') {
      text += c;
      continue;
    }
    const close = template.indexOf('}', i);
    const name = close < 0 ? '' : template.slice(i + 1, close);
    if (close < 0) throw new TemplateError(`${flag}: "{" at character ${i + 1} is not closed (write "{{" for a literal brace)`);
    if (!(PLACEHOLDERS as readonly string[]).includes(name)) throw new TemplateError(`${flag}: unknown placeholder {${name}} (known: ${PLACEHOLDERS.map((p) => `{${p}}`).join(', ')})`);
    if (text !== '') parts.push({ text });
    text = '';
    parts.push({ placeholder: name as Placeholder });
    i = close;
  }
  if (text !== '') parts.push({ text });
  return parts;
}

export function fillTemplate(parts: readonly Part[], broker: BrokerAddress): string {
  return parts.map((part) => ('text' in part ? part.text : String(broker[part.placeholder]))).join('');
}

export interface CommandRun {
  readonly command: string;
  readonly exitCode: number;
  readonly durationMs: number;
}

const COMMAND_TIMEOUT_MS = 30_000;

/** Runs one filled command with /bin/sh; resolves when the shell exits (not when what it started in the background does). */
export function runShell(command: string, timeoutMs = COMMAND_TIMEOUT_MS): Promise<CommandRun> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', command], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => void (stderr = (stderr + chunk.toString()).slice(-400)));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new FaultCommandError(`\`${command}\` could not run: ${error.message}`));
    });
    // 'exit', not 'close': a server the command left running may hold the stderr pipe open.
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      child.stderr!.destroy();
      const durationMs = Date.now() - started;
      if (code === 0) resolve({ command, exitCode: 0, durationMs });
      else reject(new FaultCommandError(`\`${command}\` ${signal !== null ? `ended by ${signal}${signal === 'SIGKILL' ? ` (after ${timeoutMs} ms)` : ''}` : `exited ${code}`}${stderr.trim() === '' ? '' : `: ${stderr.trim().split('\n').pop()}`}`));
    });
  });
}

/** The kill and restart templates of a run, parsed up front so a bad one stops the run before it starts. */
export class ProcessFaults {
  private readonly kill: readonly Part[];
  private readonly restart: readonly Part[];
  /** The first command that failed, for the command line to report as a usage error. */
  failure: FaultCommandError | undefined;
  readonly runs: CommandRun[] = [];

  constructor(killTemplate: string | undefined, restartTemplate: string | undefined) {
    if (killTemplate === undefined) throw new TemplateError('--faults process needs --kill-cmd (a shell command template; placeholders {node}, {host}, {port})');
    if (restartTemplate === undefined) throw new TemplateError('--faults process needs --restart-cmd (a shell command template; placeholders {node}, {host}, {port})');
    this.kill = parseTemplate('--kill-cmd', killTemplate);
    this.restart = parseTemplate('--restart-cmd', restartTemplate);
  }

  killBroker(broker: BrokerAddress): Promise<CommandRun> {
    return this.run(fillTemplate(this.kill, broker));
  }

  restartBroker(broker: BrokerAddress): Promise<CommandRun> {
    return this.run(fillTemplate(this.restart, broker));
  }

  private async run(command: string): Promise<CommandRun> {
    try {
      const run = await runShell(command);
      this.runs.push(run);
      return run;
    } catch (error) {
      if (error instanceof FaultCommandError) this.failure ??= error;
      throw error;
    }
  }
}
