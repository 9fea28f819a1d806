/**
 * `npm run up:processes`: a cluster of separate `kspec node` processes on this host, in one
 * command. Writes one server.properties per node under the data directory (see
 * src/runtime/cluster-files.ts for the ports), starts each node as its own process, prints the
 * bootstrap servers, and on Ctrl-C stops them all (each shuts down cleanly).
 *
 *   npm run up:processes -- [--brokers 3] [--controllers 1] [--port 9092] [--data-dir DIR] [key=value ...]
 *
 * Bad arguments are one line and exit code 2.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bootstrapOf, clusterFiles, portsFrom, type ClusterLayout } from '../src/runtime/cluster-files.js';

const kspec = fileURLToPath(new URL('../bin/kspec.js', import.meta.url));

function usage(message: string): never {
  console.error(`up:processes: ${message}`);
  process.exit(2);
}

function parseArgs(argv: readonly string[]): ClusterLayout {
  const options = { brokers: 3, controllers: 1, port: 9092, dataDir: '' };
  const overrides: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const number = (min: number, max: number): number => {
      const value = argv[++i];
      if (value === undefined || !/^\d+$/.test(value) || Number(value) < min || Number(value) > max) usage(`${arg} takes an integer in ${min}..${max}, got '${value ?? ''}'`);
      return Number(value);
    };
    if (arg === '--brokers') options.brokers = number(1, 32);
    else if (arg === '--controllers') options.controllers = number(1, 9);
    else if (arg === '--port') options.port = number(1, 65_535 - 300);
    else if (arg === '--data-dir') options.dataDir = argv[++i] ?? usage('--data-dir takes a directory');
    else if (/^[a-z.]+=/.test(arg)) overrides[arg.slice(0, arg.indexOf('='))] = arg.slice(arg.indexOf('=') + 1);
    else usage(`unknown argument '${arg}'`);
  }
  const dataDir = options.dataDir === '' ? fs.mkdtempSync(path.join(os.tmpdir(), 'kspec-procs-')) : path.resolve(options.dataDir);
  fs.mkdirSync(dataDir, { recursive: true });
  return { controllers: options.controllers, brokers: options.brokers, host: '127.0.0.1', ports: portsFrom(options.port), dataDir, overrides };
}

const layout = parseArgs(process.argv.slice(2));
const children: ChildProcess[] = [];
for (const file of clusterFiles(layout)) {
  const config = path.join(layout.dataDir, `node-${file.nodeId}.properties`);
  fs.writeFileSync(config, file.properties);
  const child = spawn(process.execPath, [kspec, 'node', '--config', config], { stdio: ['ignore', 'inherit', 'inherit'] });
  child.once('exit', (code, signal) => {
    if (!stopping) console.error(`up:processes: node ${file.nodeId} exited (${code ?? signal})`);
  });
  children.push(child);
}
let stopping = false;
const stop = (): void => {
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
console.log(`kspec cluster of ${children.length} processes: ${layout.controllers} controller(s), ${layout.brokers} broker(s); configs and data under ${layout.dataDir}`);
console.log(`bootstrap servers: ${bootstrapOf(layout)}`);
console.log('Ctrl-C stops every node.');
await Promise.all(children.map((child) => new Promise((resolve) => child.once('exit', resolve))));
