/**
 * The Dockerfile, read as Docker reads it (instructions, line continuations, JSON exec form),
 * checked against the repository: the base images match `engines`, a build stage compiles the
 * sources with `npm run build` and the image runs that output with production dependencies
 * only, which cover every runtime import; every file read at run time is in the image and
 * nothing the build context needs is excluded by .dockerignore; user, port and entrypoint agree
 * with the Deployment and package.json. (No image is built here: that needs a Docker daemon.)
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as k8s from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { manifestOf, readManifests, root } from './manifests.js';
import { shippedV8Flags } from '../../bench/heapgraphProcess.js';

interface Instruction {
  keyword: string;
  args: string;
}

/** Instructions of a Dockerfile without a parser directive: comments dropped, `\` continuations joined. */
function instructions(text: string): Instruction[] {
  const logical: string[] = [];
  let current = '';
  for (const line of text.split('\n')) {
    if (/^\s*#/.test(line)) continue;
    const continued = /\\\s*$/.test(line);
    current += continued ? line.replace(/\\\s*$/, ' ') : line;
    if (!continued) {
      if (current.trim() !== '') logical.push(current.trim());
      current = '';
    }
  }
  return logical.map((line) => {
    const [keyword = '', ...rest] = line.split(/\s+/);
    return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
  });
}

const dockerfile = instructions(readFileSync(resolve(root, 'Dockerfile'), 'utf8'));
/** The instructions of each stage, each beginning with its FROM. */
const stages = dockerfile.reduce<Instruction[][]>((all, instruction) => {
  if (instruction.keyword === 'FROM') all.push([]);
  all.at(-1)?.push(instruction);
  return all;
}, []);
const [buildStage = [], image = []] = stages;
const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as {
  engines: { node: string };
  bin: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  scripts: Record<string, string>;
};
const deployment = manifestOf<k8s.V1Deployment>(readManifests(), 'Deployment');
const container = deployment.spec!.template.spec!.containers[0]!;

function only(keyword: string, stage = image): Instruction {
  const found = stage.filter((i) => i.keyword === keyword);
  if (found.length !== 1) throw new Error(`expected one ${keyword}, found ${found.length}`);
  return found[0]!;
}

/** Sources of every COPY from the build context (the last argument is the destination). */
function copiedPaths(stage = dockerfile): string[] {
  return stage
    .filter((i) => i.keyword === 'COPY' && !i.args.startsWith('--from='))
    .flatMap((i) => i.args.split(/\s+/).filter((a) => !a.startsWith('--')).slice(0, -1))
    .map((p) => p.replace(/^\.\//, '').replace(/\/$/, ''));
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** Whether `path` (relative to the root) is inside something a COPY brings into `stage` from the context. */
function isCopied(path: string, stage = image): boolean {
  return copiedPaths(stage).some((copied) => path === copied || path.startsWith(`${copied}/`));
}

describe('the Dockerfile', () => {
  it('builds and runs on the Debian slim image of the Node major version package.json requires', () => {
    const major = /^>=\s*(\d+)/.exec(pkg.engines.node)?.[1];
    expect(stages).toHaveLength(2);
    expect(only('FROM', buildStage).args).toBe(`node:${major}-bookworm-slim AS build`);
    expect(only('FROM', image).args).toBe(`node:${major}-bookworm-slim`);
  });

  it('installs from the lockfile, copied first, in both stages, and production dependencies only in the image', () => {
    for (const stage of stages) {
      const run = stage.filter((i) => i.keyword === 'RUN').map((i) => i.args);
      expect(run.some((r) => /\bnpm (install|i)\b/.test(r))).toBe(false);
      const firstCopy = stage.findIndex((i) => i.keyword === 'COPY');
      const install = stage.findIndex((i) => i.keyword === 'RUN' && /\bnpm ci\b/.test(i.args));
      expect(stage[firstCopy]!.args.split(/\s+/).slice(0, -1).sort()).toEqual(['package-lock.json', 'package.json']);
      expect(firstCopy).toBeLessThan(install);
    }
    expect(image.some((i) => i.keyword === 'RUN' && /\bnpm ci\b.*--omit=dev/.test(i.args))).toBe(true);
  });

  it('compiles the sources in the build stage with `npm run build` into the dist/ the entry point runs', () => {
    expect(isCopied('src/cli/main.ts', buildStage)).toBe(true);
    expect(isCopied('tsconfig.json', buildStage) && isCopied('tsconfig.build.json', buildStage)).toBe(true);
    expect(buildStage.some((i) => i.keyword === 'RUN' && /^npm run build$/.test(i.args))).toBe(true);
    expect(pkg.scripts.build).toBe('tsc -p tsconfig.build.json');
    const build = JSON.parse(readFileSync(resolve(root, 'tsconfig.build.json'), 'utf8')) as { compilerOptions: { rootDir: string; outDir: string } };
    expect(build.compilerOptions).toMatchObject({ rootDir: 'src', outDir: 'dist' });
    expect(image.some((i) => i.keyword === 'COPY' && /^--from=build \/app\/dist \.\/dist\/?$/.test(i.args))).toBe(true);
    expect(readFileSync(resolve(root, 'bin/heapgraph.js'), 'utf8')).toContain("new URL('../dist/cli/main.js', import.meta.url)");
    // Nothing TypeScript is needed to run it.
    expect(Object.keys(pkg.dependencies)).not.toContain('tsx');
    expect(Object.keys(pkg.dependencies)).not.toContain('typescript');
  });

  it('has every package the sources import at run time among the production dependencies', () => {
    const runtimeImports = new Set<string>();
    for (const file of [...filesUnder(resolve(root, 'src')), resolve(root, 'bin/heapgraph.js')]) {
      if (!/\.(ts|js)$/.test(file)) continue;
      const text = readFileSync(file, 'utf8');
      // `import type` is erased; every other import (verbatimModuleSyntax keeps them) runs.
      for (const match of text.matchAll(/^\s*(?:import|export)\s+(?!type\s)[^;]*?\bfrom\s+'([^']+)'|\bimport\(\s*'([^']+)'\s*\)/gm)) {
        const specifier = match[1] ?? match[2]!;
        if (specifier.startsWith('.') || specifier.startsWith('node:')) continue;
        const parts = specifier.split('/');
        runtimeImports.add(specifier.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!);
      }
    }
    expect(runtimeImports.size).toBeGreaterThan(5);
    for (const name of runtimeImports) expect(Object.keys(pkg.dependencies), `${name} is imported by src/ or bin/`).toContain(name);
  });

  it('copies the entry point and every file the code reads through import.meta.url into the image', () => {
    expect(isCopied('bin/heapgraph.js')).toBe(true);
    // dist/ mirrors src/ (rootDir src), so a path relative to a source file is the same relative to its output.
    const read = new Set<string>();
    for (const file of filesUnder(resolve(root, 'src')).filter((f) => f.endsWith('.ts'))) {
      for (const match of readFileSync(file, 'utf8').matchAll(/new URL\(\s*'([^']+)'\s*,\s*import\.meta\.url\s*\)/g)) {
        const target = fileURLToPath(new URL(match[1]!, pathToFileURL(file)));
        read.add(relative(root, target));
      }
    }
    expect([...read].sort()).toEqual(expect.arrayContaining(['package.json', 'schema.graphql']));
    for (const path of read) {
      expect(existsSync(resolve(root, path)), path).toBe(true);
      expect(isCopied(path), `${path} is read at run time`).toBe(true);
    }
    for (const copied of copiedPaths()) expect(existsSync(resolve(root, copied)), copied).toBe(true);
  });

  it('leaves in the build context everything it copies and nothing else (.dockerignore)', () => {
    const lines = readFileSync(resolve(root, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
    // Exclude everything, then re-include exactly the copied paths.
    expect(lines[0]).toBe('*');
    const included = lines.slice(1).map((l) => {
      expect(l.startsWith('!'), l).toBe(true);
      return l.slice(1).replace(/\/$/, '');
    });
    expect(included.sort()).toEqual([...new Set(copiedPaths())].sort());
    expect(included).not.toContain('dist');
  });

  it('runs as the numeric non-root user the Deployment names, exposes its API port and starts bin/heapgraph.js', () => {
    const [user, group] = only('USER').args.split(':').map(Number);
    const podSecurity = deployment.spec!.template.spec!.securityContext!;
    expect(user).toBeGreaterThan(0);
    expect(user).toBe(podSecurity.runAsUser);
    expect(group).toBe(podSecurity.runAsGroup);
    expect(only('EXPOSE').args).toBe(String(container.ports!.find((p) => p.name === 'http')!.containerPort));
    expect(JSON.parse(only('ENTRYPOINT').args)).toEqual(['node', pkg.bin.heapgraph]);
    expect(dirname(pkg.bin.heapgraph!)).toBe('bin');
  });

  it('runs Node with the young-generation size the Deployment, `npm start` and the benchmark use', () => {
    const env = image.filter((i) => i.keyword === 'ENV').map((i) => i.args);
    const imageOptions = env.find((e) => e.startsWith('NODE_OPTIONS='))?.slice('NODE_OPTIONS='.length).split(/\s+/) ?? [];
    const deploymentOptions = container.env?.find((e) => e.name === 'NODE_OPTIONS')?.value?.split(/\s+/) ?? [];
    expect(shippedV8Flags.length).toBeGreaterThan(0);
    for (const flag of shippedV8Flags) {
      expect(imageOptions).toContain(flag);
      expect(deploymentOptions).toContain(flag);
      expect((pkg.scripts.start ?? '').split(/\s+/)).toContain(flag);
    }
  });

});
