/**
 * A CLI a newcomer can trust (issue 17): help everywhere, exit codes 0/1/2, one line and no stack
 * trace for bad input, no silent wrong answers, reproduce hints that reproduce. In-process through
 * main(argv) with stdout and stderr captured; only the signal and pipe checks spawn a process.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { allClauses } from '../../spec/index.js';
import { groupClauses } from '../../spec/groups/clauses.js';
import { scenarioTraceText } from '../../src/trace/session.js';

let stdout: string[] = [];
let stderr: string[] = [];
beforeEach(() => {
  stdout = [];
  stderr = [];
  vi.spyOn(console, 'log').mockImplementation((...a) => void stdout.push(`${a.join(' ')}\n`));
  vi.spyOn(console, 'error').mockImplementation((...a) => void stderr.push(`${a.join(' ')}\n`));
  vi.spyOn(process.stdout, 'write').mockImplementation((text) => (stdout.push(String(text)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((text) => (stderr.push(String(text)), true));
});
afterEach(() => vi.restoreAllMocks());

const out = (): string => stdout.join('');
const err = (): string => stderr.join('');
const dir = mkdtempSync(join(tmpdir(), 'kspec-cli-'));
const script = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('help and usage', () => {
  it('`kspec` alone prints its usage to stderr and exits 2; --help prints it to stdout and exits 0', async () => {
    expect(await main([])).toBe(2);
    expect(err()).toMatch(/^Usage: kspec/);
    expect(out()).toBe('');
    stderr = [];
    expect(await main(['--help'])).toBe(0);
    expect(out()).toMatch(/^Usage: kspec/);
    expect(err()).toBe('');
  });

  it('every command has --help, exit 0, including variants (which used to throw)', async () => {
    for (const command of ['demo', 'sim', 'sweep', 'explore', 'scenario', 'clauses', 'variants', 'partition']) {
      stdout = [];
      expect(await main([command, '--help'])).toBe(0);
      expect(out()).toMatch(new RegExp(`^Usage: kspec ${command}`));
    }
  });

  it('--version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(await main(['--version'])).toBe(0);
    expect(out().trim()).toBe(version);
  });

  it('the usage calls demo the replication demo and names the quorum one', async () => {
    await main(['--help']);
    expect(out()).toMatch(/demo \[options\]\s+the narrated replication demo/);
    expect(out()).toMatch(/--model\s+quorum:\s+the\s+narrated\s+3-controller\s+quorum/);
  });
});

/** A real quorum trace whose header asks for `voters` voters. */
function forgedVoters(voters: number): string {
  const lines = scenarioTraceText('cluster voters=3\n----\n\nrun ms=10\n----\n').trimEnd().split('\n');
  const header = JSON.parse(lines[0] as string) as { options: { voters: number } };
  header.options.voters = voters;
  return [JSON.stringify(header), ...lines.slice(1)].join('\n') + '\n';
}

describe('bad usage or input: exit 2, one line on stderr, no stack trace', () => {
  const quorum = 'cluster voters=3\n----\n3 voters, seed 1, variant kraft, network delay 5ms\n\n';
  const brokers = 'brokers n=1 rf=1\n----\n1 controller(s), 1 brokers, topic user_activity: 1 partition(s), rf 1, min.insync.replicas=1; seed 1, variant kraft\n\n';
  const cases: [string, string[], RegExp][] = [
    ['an unknown command', ['frobnicate'], /unknown command 'frobnicate'/],
    ['arguments to variants', ['variants', 'extra'], /too many arguments/],
    ['sim --trace DIR', ['sim', '--trace', dir], /is a directory/],
    ['explore --out DIR', ['explore', '--out', dir], /is a directory/],
    ['a seed count beyond the bound', ['sweep', '--seeds', '99999999999'], /--seeds <n>' argument '99999999999' is invalid/],
    ['sweep --seeds 0', ['sweep', '--seeds', '0'], /must be an integer from 1/],
    ['explore --runs 0', ['explore', '--runs', '0'], /must be an integer from 1/],
    ['zero voters', ['explore', '--model', 'quorum', '--voters', '0'], /--voters <n>' argument '0' is invalid/],
    ['a seed past 32 bits (it used to run seed 0)', ['sim', '--seed', '4294967296'], /must be a seed from 0 to 4294967295/],
    ['a sweep running past the last seed', ['sweep', '--from', '4294967295', '--seeds', '2'], /past the last seed/],
    ['--voters with the replication model (it used to be ignored)', ['sim', '--voters', '5'], /--voters sets the quorum model's voter count/],
    ['--voters with the replication exploration', ['explore', '--voters', '3'], /--voters sets the quorum model's voter count/],
    ['a replication factor above the brokers', ['sim', '--brokers', '3', '--replication-factor', '4'], /INVALID_REPLICATION_FACTOR: replication factor 4 is larger than the 3 available brokers/],
    ['a replication flag on the quorum model', ['sim', '--model', 'quorum', '--partitions', '3'], /--partitions needs the replication model/],
    ['--faults neither on nor off', ['sim', '--faults', 'maybe'], /must be 'on' or 'off'/],
    ['a share outside its count', ['sweep', '--shard', '3/2'], /must be I\/N/],
    ['a run option with --merge (it would be ignored)', ['sweep', '--merge', join(dir, 'nope.json'), '--variant', 'vote-twice'], /--merge takes the sweep's options from its shares; drop --variant/],
    ['a missing share file', ['sweep', '--merge', join(dir, 'nope.json')], /cannot read sweep share/],
    ['an unknown clause', ['clauses', 'REPL-NOPE-9'], /no clause 'REPL-NOPE-9'; clauses of REPL: REPL-ISR-1/],
    ['run flags with --replay', ['sim', '--replay', join(dir, 'x.jsonl'), '--max-steps', '5'], /--replay takes the run's options from the trace; drop --max-steps/],
    ['crash n99 in a brokers script (it used to throw)', ['scenario', script('n99.txt', `${brokers}crash n99\n----\n`)], /line 5: no node n99; brokers n1, controllers n101/],
    ['kill-consumer c1 (it used to crash broker 1)', ['scenario', script('c1.txt', `${brokers}kill-consumer c1\n----\n`)], /line 5: no consumer c1; no consumer started yet/],
    ['restart-consumer of no such consumer', ['scenario', script('c7.txt', `${brokers}restart-consumer c7\n----\n`)], /no consumer c7/],
    ['an unknown scenario parameter (it used to be ignored)', ['scenario', script('param.txt', `${quorum}run ms=10 speed=fast\n----\n`)], /command 'run' takes no parameter 'speed'; it takes ms=/],
    ['an empty scenario (it used to pass)', ['scenario', script('empty.txt', '# only a comment\n\n')], /no command in the script/],
    ['kill-consumer c7, a consumer the script never started (it used to do nothing)', ['scenario', script('k7.txt', `${brokers}kill-consumer c7\n----\n`)], /line 5: no consumer c7/],
    ['--replay of a header with voters:-1 (it used to throw)', ['sim', '--replay', script('v-1.jsonl', forgedVoters(-1))], /line 1: options.voters must be an integer from 1 to 9 \(got -1\)/],
    ['--idempotence with --acks 1: Kafka\'s ConfigException', ['sim', '--acks', '1', '--idempotence'], /--idempotence with --acks 1: enable.idempotence=true conflicts/],
    ['--acks on the quorum model', ['sim', '--model', 'quorum', '--acks', '0'], /--acks needs the replication model/],
  ];
  for (const [what, argv, message] of cases) {
    it(what, async () => {
      expect(await main(argv)).toBe(2);
      expect(out()).toBe('');
      expect(stderr).toHaveLength(1);
      expect(err()).toMatch(message);
      expect(err()).not.toMatch(/\n\s+at /);
    });
  }
});

describe('no silent wrong answers', () => {
  it('create-topic with rf above the brokers prints the controller\'s INVALID_REPLICATION_FACTOR', async () => {
    const file = script('rf.txt', 'brokers n=1 rf=2\n----\n\nstart\n----\n\ncreate-topic\n----\n');
    expect(await main(['scenario', file])).toBe(1);
    expect(out()).toMatch(/the controller refused the topic: .*CreateTopicsResponse INVALID_REPLICATION_FACTOR user_activity/);
  });

  it('a CRLF scenario file passes where its LF twin passes', async () => {
    const lf = readFileSync(new URL('../../scenarios/quorum/election.txt', import.meta.url), 'utf8');
    const file = script('crlf.txt', lf.replace(/\n/g, '\r\n'));
    expect(await main(['scenario', file])).toBe(0);
    expect(out()).toMatch(/crlf\.txt: ok/);
  }, 20_000);

  it('sim --max-steps 1 judges no liveness: "not judged: run cut at max steps", exit 0', async () => {
    expect(await main(['sim', '--seed', '1', '--max-steps', '1'])).toBe(0);
    expect(out()).toMatch(/SKIP REPL-LIVE-1 .*\(not judged: run cut at max steps \(1\)\)/);
    expect(out()).not.toMatch(/FAIL/);
    stdout = [];
    expect(await main(['sim', '--model', 'quorum', '--seed', '1', '--max-steps', '1'])).toBe(0);
    expect(out()).toMatch(/SKIP QUORUM-LIVE-1 .*run cut at max steps/);
  });

  it('sim lists the group clauses it judges when the run has a consumer group', async () => {
    expect(await main(['sim', '--seed', '2', '--group-protocol', 'classic', '--max-steps', '3000', '--json', '-'])).toBe(0);
    const report = JSON.parse(out()) as { options: { group: { protocol: string } | null }; clauses: { id: string; verdict: string }[] };
    expect(report.options.group?.protocol).toBe('classic');
    const ids = report.clauses.map((c) => c.id);
    // Every group clause the simulator judges (a wire-level conformance clause such as CG-SESSION-1 is judged by kspec conform).
    for (const clause of groupClauses) expect(ids).toContain(clause.id);
    expect(err()).toMatch(/PASS CG-/);
  }, 30_000);

  it('the options chosen on the command line are the run\'s, printed, and in its reproduce command', async () => {
    expect(await main(['sim', '--seed', '5', '--brokers', '4', '--partitions', '2', '--replication-factor', '2', '--faults', 'off', '--group-protocol', 'none', '--max-steps', '300', '--json', '-'])).toBe(0);
    const report = JSON.parse(out()) as { options: { brokers: number; topic: { partitions: number; replicationFactor: number }; faults: { meanIntervalMs: number }; group: unknown }; reproduce: string };
    expect(report.options.brokers).toBe(4);
    expect(report.options.topic).toMatchObject({ partitions: 2, replicationFactor: 2 });
    expect(report.options.faults.meanIntervalMs).toBe(0);
    expect(report.options.group).toBeNull();
    expect(err()).toMatch(/^seed=5 variant=kraft controllers=\d brokers=4 topic=user_activity partitions=2 rf=2 /);
    expect(err()).toMatch(/^faults: off$/m);
    expect(report.reproduce).toBe('npx kspec sim --seed 5 --model replication --max-steps 300 --brokers 4 --partitions 2 --replication-factor 2 --faults off --group-protocol none');
  });
});

describe('reproduce hints that reproduce', () => {
  it('a quorum violation\'s hint carries --model quorum, the variant and --max-steps, and its trace is the quorum model\'s own', async () => {
    expect(await main(['sim', '--seed', '1', '--variant', 'vote-twice', '--max-steps', '150000', '--trace', join(dir, 'q.jsonl')])).toBe(1);
    const hint = /reproduce with: (.*)$/m.exec(out())?.[1];
    expect(hint).toBe('npx kspec sim --seed 1 --model quorum --variant vote-twice --max-steps 150000');
    stdout = [];
    // The hint, run, gives the same violation.
    expect(await main((hint as string).replace('npx kspec ', '').split(' '))).toBe(1);
    expect(out()).toMatch(/violation of QUORUM-VOTE-1 at seed 1/);
  }, 60_000);

  it('quorum and replication runs of one seed write different trace files', async () => {
    const { seedTracePath, exploreTracePath } = await import('../../src/cli/reproduce.js');
    expect(seedTracePath('quorum', 7, 'kraft')).not.toBe(seedTracePath('replication', 7, 'kraft'));
    expect(exploreTracePath('quorum', 'kraft')).not.toBe(exploreTracePath('replication', 'kraft'));
  });
});

describe('kspec clauses', () => {
  it('lists every clause of spec/ once, and shows one with its statement, source and where it is checked', async () => {
    expect(await main(['clauses'])).toBe(0);
    const lines = out().trim().split('\n');
    expect(lines.map((l) => l.split(/\s+/)[0])).toEqual(allClauses.map((c) => c.id));
    stdout = [];
    const clause = allClauses.find((c) => c.id === 'REPL-ACK-1');
    expect(await main(['clauses', 'repl-ack-1'])).toBe(0);
    expect(out()).toContain(clause?.statement);
    expect(out()).toContain(`source:  ${clause?.source}`);
    expect(out()).toMatch(/judged:  at the end of a run, over the recorded history/);
    expect(out()).toMatch(/checked: kspec sim\/sweep\/explore \(replication model\)/);
    stdout = [];
    expect(await main(['clauses', 'QUORUM-VOTE-1', '--json'])).toBe(0);
    expect(JSON.parse(out())).toMatchObject({ id: 'QUORUM-VOTE-1', kind: 'invariant', checked: expect.stringMatching(/--model quorum/) });
  });
});

describe('sweep', () => {
  it('shows an ETA on its progress line', async () => {
    expect(await main(['sweep', '--model', 'quorum', '--seeds', '2', '--workers', '1'])).toBe(0);
    expect(err()).toMatch(/2\/2 seeds, 0 failing, \d+s elapsed, ETA 0s/);
  });

  it('shares --shard I/N --json merged with --merge give the counts of one big run', async () => {
    const common = ['sweep', '--model', 'quorum', '--from', '3', '--seeds', '5', '--workers', '1', '--max-steps', '20000'];
    const whole = join(dir, 'whole.json');
    const shares = [1, 2, 3].map((i) => join(dir, `share-${i}.json`));
    expect(await main([...common, '--json', whole])).toBe(0);
    for (const [i, file] of shares.entries()) expect(await main([...common, '--shard', `${i + 1}/3`, '--json', file])).toBe(0);
    type Report = { summary: Record<string, unknown>; outcomes: { seed: number }[]; shard: unknown };
    const read = (file: string): Report => JSON.parse(readFileSync(file, 'utf8')) as Report;
    // Every seed in exactly one share, interleaved so shares cost alike.
    expect(shares.map((f) => read(f).outcomes.map((o) => o.seed))).toEqual([[3, 6], [4, 7], [5]]);
    const merged = join(dir, 'merged.json');
    stdout = [];
    expect(await main(['sweep', '--merge', shares[2] as string, shares[0] as string, shares[1] as string, '--json', merged])).toBe(0);
    expect(out()).toMatch(/merged 3 share\(s\)/);
    expect(read(merged).summary).toEqual(read(whole).summary);
    expect(read(merged).outcomes).toEqual(read(whole).outcomes);
    expect(await main(['sweep', '--merge', shares[0] as string, shares[1] as string])).toBe(2);
    expect(err()).toMatch(/missing share\(s\) 3\/3 of 3/);
  }, 60_000);
});
