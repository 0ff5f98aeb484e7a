/**
 * Writes the "Historical API" section of docs/api-rest.md: every `/api/v1/historical` route
 * family with an example request and the answer a running Heapgraph gave (embedded simulator,
 * 5 s resolution, `--sink` and `--historical_source` naming a real influxd started here). The
 * section replaces the one already there, or is appended. Long arrays and maps are trimmed
 * visibly (`"… N more"`). Run with `npx tsx test/docs/historical-examples.ts` (needs `influxd`),
 * after rest-examples.ts, which rewrites the rest of the file.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRestSurface } from '../../src/api/rest/index.js';
import { toConfig } from '../../src/cli/config.js';
import { parseFlags } from '../../src/cli/flags.js';
import { runHeapgraph, type Heapgraph } from '../../src/cli/heapgraph.js';
import { silentLogger } from '../../src/core/log.js';
import { startInfluxd, type Influxd } from '../helpers/influxd.js';
import { historicalDocSection, type HistoricalDocContext } from './historical-doc-section.js';
import type { DocEntry } from './rest-doc-sections.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const docPath = resolve(root, 'docs/api-rest.md');
const heading = '## Historical API';
const maxItems = 3;
const maxKeys = [8, 5];

/** Trims arrays to {@link maxItems} and maps to {@link maxKeys}, saying how much was left out. */
function trim(value: unknown, depth = 0): unknown {
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

async function example(app: Heapgraph, entry: DocEntry): Promise<string> {
  const res = await fetch(`${app.url}${entry.path}`, { headers: entry.headers ?? {} });
  const text = await res.text();
  const type = res.headers.get('content-type') ?? '';
  const isJson = type.startsWith('application/json');
  const body = isJson ? JSON.stringify(trim(JSON.parse(text)), null, 2) : text.trimEnd();
  return [`\`\`\`http\nGET ${entry.path}\n\`\`\``, `→ \`${res.status}\` \`${type}\``, `\`\`\`${isJson ? 'json' : 'text'}\n${body}\n\`\`\``].join('\n\n');
}

/** Real names from the running Heapgraph for the example paths. */
function docContext(app: Heapgraph): HistoricalDocContext {
  const node = app.sim!.cluster.nodes[0]!.name;
  const pods = app.query.pods().filter((p) => p.labels.pod_id && app.query.containers(p.labels.namespace_name!, p.labels.pod_name!).length > 0);
  const pod = pods.find((p) => app.query.pods(p.labels.namespace_name!).length > 1) ?? pods[0]!;
  const namespace = pod.labels.namespace_name!;
  const other = app.query.pods(namespace).find((p) => p.labels.pod_name !== pod.labels.pod_name) ?? pod;
  const timestamps = app.query.timestamps();
  return {
    node,
    namespace,
    pod: pod.labels.pod_name!,
    podId: pod.labels.pod_id!,
    otherPod: other.labels.pod_name!,
    otherPodId: other.labels.pod_id ?? pod.labels.pod_id!,
    container: app.query.containers(namespace, pod.labels.pod_name!)[0]!.labels.container_name!,
    start: new Date(timestamps[0]! - 1_000).toISOString().replace('.000Z', 'Z'),
    end: new Date(timestamps[3]!).toISOString().replace('.000Z', 'Z'),
  };
}

/** docs/api-rest.md with `section` in place of the historical section (or appended). */
function withSection(doc: string, section: string): string {
  const at = doc.indexOf(`\n${heading}`);
  if (at === -1) return `${doc.trimEnd()}\n\n${section}\n`;
  const next = doc.indexOf('\n## ', at + 1);
  return `${doc.slice(0, at + 1)}${section}\n${next === -1 ? '' : doc.slice(next)}`;
}

async function main(): Promise<void> {
  const influxd: Influxd = await startInfluxd();
  let app: Heapgraph | undefined;
  try {
    const sink = `influxdb:${influxd.url}?db=k8s`;
    const result = toConfig(
      parseFlags(['--source=sim:?nodes=2&podsPerNode=4&seed=7', '--metric_resolution=5s', '--heapster_port=0', '--listen_ip=127.0.0.1', `--sink=${sink}`, `--historical_source=${sink}`]),
    );
    if (!result.ok) throw new Error(result.problems.map((p) => `${p.flag}: ${p.message}`).join('\n'));
    app = await runHeapgraph(result.config, silentLogger(), { surfaces: [createRestSurface()] });
    const deadline = Date.now() + 60_000;
    while (app.query.timestamps().length < 5) {
      if (Date.now() > deadline) throw new Error('no batches');
      await new Promise((r) => setTimeout(r, 200));
    }
    await app.manager.stop();
    await app.sinks.stop(20_000);
    const { text, entries, whileDown } = historicalDocSection(docContext(app));
    const parts = [text];
    for (const entry of entries) parts.push(`#### ${entry.title}\n\n${entry.text ? `${entry.text}\n\n` : ''}${await example(app, entry)}`);
    await influxd.stop();
    for (const entry of whileDown) parts.push(`#### ${entry.title}\n\n${entry.text ? `${entry.text}\n\n` : ''}${await example(app, entry)}`);
    writeFileSync(docPath, withSection(readFileSync(docPath, 'utf8'), parts.join('\n\n')));
  } finally {
    await app?.stop();
    await influxd.dispose();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
