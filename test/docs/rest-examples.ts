/**
 * Writes docs/api-rest.md: every REST route with an example request and the response a running
 * Heapgraph gave for it (embedded simulator, 5 s resolution). Long arrays and maps are trimmed
 * visibly (`"… 12 more"`). Run with `npx tsx test/docs/rest-examples.ts`.
 */
import { writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRestSurface } from '../../src/api/rest/index.js';
import { toConfig } from '../../src/cli/config.js';
import { parseFlags } from '../../src/cli/flags.js';
import { runHeapgraph, type Heapgraph } from '../../src/cli/heapgraph.js';
import { silentLogger } from '../../src/core/log.js';
import { restDocSections, type DocContext, type DocEntry } from './rest-doc-sections.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const maxItems = 3;
/** Keys kept of a map at the top level and below it. */
const maxKeys = [8, 5];

/** Trims arrays to {@link maxItems} and maps to {@link maxKeys}, saying how much was left out. */
export function trim(value: unknown, depth = 0): unknown {
  if (Array.isArray(value)) {
    const kept = value.slice(0, maxItems).map((v) => trim(v, depth + 1));
    return value.length > maxItems ? [...kept, `… ${value.length - maxItems} more`] : kept;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    const limit = maxKeys[Math.min(depth, 1)]!;
    const kept = entries.slice(0, limit).map(([k, v]) => [k, trim(v, depth + 1)]);
    if (entries.length > limit) kept.push(['…', `${entries.length - limit} more keys`]);
    return Object.fromEntries(kept);
  }
  return value;
}

function trimText(text: string, only?: RegExp, maxLines = 30): string {
  const all = text.trimEnd().split('\n');
  const lines = only ? all.filter((l) => only.test(l)) : all;
  return lines.length > maxLines ? [...lines.slice(0, maxLines), `… ${lines.length - maxLines} more lines`].join('\n') : lines.join('\n');
}

async function example(app: Heapgraph, entry: DocEntry): Promise<string> {
  const res = await fetch(`${app.url}${entry.path}`, { method: entry.method ?? 'GET', headers: entry.headers ?? {} });
  const text = await res.text();
  const type = res.headers.get('content-type') ?? '';
  let body: string;
  if (type.startsWith('application/json')) body = JSON.stringify(trim(JSON.parse(text)), null, 2);
  else body = trimText(text, entry.onlyLines);
  const request = [`${entry.method ?? 'GET'} ${entry.path}`, ...Object.entries(entry.headers ?? {}).map(([k, v]) => `${k}: ${v}`)].join('\n');
  const lang = type.startsWith('application/json') ? 'json' : 'text';
  return [`\`\`\`http\n${request}\n\`\`\``, `→ \`${res.status}\`${type ? ` \`${type}\`` : ''}`, `\`\`\`${lang}\n${body}\n\`\`\``].join('\n\n');
}

async function main(): Promise<void> {
  const result = toConfig(parseFlags(['--source=sim:?nodes=2&podsPerNode=4&seed=7', '--metric_resolution=5s', '--heapster_port=0', '--listen_ip=127.0.0.1']));
  if (!result.ok) throw new Error('bad flags');
  const app = await runHeapgraph(result.config, silentLogger(), { surfaces: [createRestSurface()] });
  try {
    const deadline = Date.now() + 60_000;
    while (app.query.timestamps().length < 4) {
      if (Date.now() > deadline) throw new Error('no batches');
      await new Promise((r) => setTimeout(r, 200));
    }
    await app.manager.stop();
    const context = docContext(app);
    const parts: string[] = [];
    for (const section of restDocSections(context)) {
      parts.push(section.text);
      for (const entry of section.entries) {
        parts.push(`#### ${entry.title}\n\n${entry.text ? `${entry.text}\n\n` : ''}${await example(app, entry)}`);
      }
    }
    writeFileSync(resolve(root, 'docs/api-rest.md'), `${parts.join('\n\n')}\n`);
  } finally {
    await app.stop();
  }
}

/** Names of real entities to put in the example paths. */
function docContext(app: Heapgraph): DocContext {
  const node = app.query.nodes()[0]!.labels.nodename!;
  const pods = app.query.pods().filter((p) => app.query.latest(p.key, 'cpu/usage_rate'));
  const pod = pods.find((p) => app.query.containers(p.labels.namespace_name!, p.labels.pod_name!).length > 1) ?? pods[0]!;
  const namespace = pod.labels.namespace_name!;
  const siblings = app.query.pods(namespace).map((p) => p.labels.pod_name!);
  const container = app.query.containers(namespace, pod.labels.pod_name!)[0]!.labels.container_name!;
  const spec = app.query.kube.getPod(namespace, pod.labels.pod_name!);
  const [labelKey, labelValue] = Object.entries(spec?.metadata?.labels ?? { app: 'x' }).find(([k]) => k === 'app') ?? Object.entries(spec?.metadata?.labels ?? { app: 'x' })[0]!;
  const timestamps = app.query.timestamps();
  return {
    node,
    namespace,
    pod: pod.labels.pod_name!,
    otherPod: siblings.find((p) => p !== pod.labels.pod_name) ?? pod.labels.pod_name!,
    container,
    selector: `${labelKey}=${labelValue}`,
    start: new Date(timestamps[timestamps.length - 2]!).toISOString().replace('.000Z', 'Z'),
  };
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
