/**
 * The API reference, built by typedoc into the site's api/ folder: the machines' modules (their
 * inputs, events, contexts and effects), the effect modules beside them, the views the spec
 * judges (spec/<family>/view.ts), the node layer (src/cluster) and the conformance adapters when
 * present. Slow (typedoc runs the TypeScript checker's front end over the whole program: about
 * half a minute on two cores), so the tests build the site without it.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Application, LogLevel } from 'typedoc';

function modules(root: string, directory: string, keep: (file: string) => boolean): string[] {
  const full = join(root, directory);
  if (!existsSync(full)) return [];
  return readdirSync(full, { recursive: true, encoding: 'utf8' })
    .map((name) => relative(root, join(full, name)).split('\\').join('/'))
    .filter((file) => file.endsWith('.ts') && keep(file))
    .sort();
}

export function apiEntryPoints(root: string, machineFiles: readonly string[]): string[] {
  return [
    ...machineFiles,
    ...modules(root, 'src/machines', (f) => /\/effects\.ts$/.test(f)),
    ...modules(root, 'spec', (f) => /\/view\.ts$/.test(f)),
    ...modules(root, 'src/cluster', () => true).filter((f) => f.split('/').length === 3),
    ...modules(root, 'src/conformance', (f) => /adapter/.test(f)),
  ];
}

export async function buildApi(root: string, outDir: string, machineFiles: readonly string[]): Promise<void> {
  const app = await Application.bootstrapWithPlugins({
    entryPoints: apiEntryPoints(root, machineFiles).map((f) => join(root, f)),
    tsconfig: join(root, 'tsconfig.json'),
    name: 'kspec API',
    readme: 'none',
    skipErrorChecking: true,
    excludePrivate: true,
    disableSources: true,
    hideGenerator: true,
    validation: { notExported: false, invalidLink: false, notDocumented: false },
    logLevel: LogLevel.Error,
  });
  const project = await app.convert();
  if (project === undefined) throw new Error('typedoc could not convert the project');
  await app.generateDocs(project, outDir);
}
