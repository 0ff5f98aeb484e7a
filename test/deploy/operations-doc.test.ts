import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type * as k8s from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { flagHelp } from '../../src/cli/flags.js';
import { manifestOf, readManifests, root } from './manifests.js';

const doc = readFileSync(resolve(root, 'docs/operations.md'), 'utf8');

/** The text of one `## ` section. */
function section(title: string): string {
  const start = doc.indexOf(`\n## ${title}\n`);
  if (start === -1) throw new Error(`docs/operations.md has no section "${title}"`);
  const end = doc.indexOf('\n## ', start + 1);
  return doc.slice(start, end === -1 ? undefined : end);
}

/** Flag names in the first cell of every table row of the Flags section. */
function documentedFlags(): string[] {
  return section('Flags')
    .split('\n')
    .filter((line) => line.startsWith('| `--'))
    .flatMap((line) => [...line.split('|')[1]!.matchAll(/`(--[a-z_]+)`/g)].map((m) => m[1]!));
}

describe('docs/operations.md', () => {
  it('documents every flag of --help, and no flag that does not exist', () => {
    const flags = flagHelp.map(([usage]) => usage.split('=')[0]!);
    const documented = documentedFlags();
    for (const flag of flags) expect(documented, flag).toContain(flag);
    // --port is the alias parseFlags accepts for --heapster_port.
    expect(documented.filter((flag) => !flags.includes(flag))).toEqual(['--port']);
  });

  it('states the sizing rules the Deployment follows for 100 nodes', () => {
    const sizing = section('Sizing');
    const memory = /memory = (\d+) MiB \+ ([\d.]+) MiB × nodes/.exec(sizing);
    const cpu = /cpu = (\d+)m \+ ([\d.]+)m × nodes/.exec(sizing);
    expect(memory && cpu, 'the rules in the Sizing section').toBeTruthy();
    const container = manifestOf<k8s.V1Deployment>(readManifests(), 'Deployment').spec!.template.spec!.containers[0]!;
    const nodes = 100;
    expect(container.resources?.requests?.memory).toBe(`${Number(memory![1]) + Number(memory![2]) * nodes}Mi`);
    expect(container.resources?.requests?.cpu).toBe(`${Number(cpu![1]) + Number(cpu![2]) * nodes}m`);
  });

  it('is linked from the README', () => {
    expect(readFileSync(resolve(root, 'README.md'), 'utf8')).toContain('(docs/operations.md)');
  });
});
