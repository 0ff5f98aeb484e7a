/**
 * Reading deploy/: every manifest as a typed client-node object and as plain data, so tests can
 * both use the typed fields and see fields the Kubernetes models do not know (a misspelt field
 * is silently dropped by deserialisation; here it is reported).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as k8s from '@kubernetes/client-node';

/** The repository root. */
export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** deploy/ */
export const deployDir = resolve(root, 'deploy');

/** One file of deploy/. */
export interface Manifest {
  file: string;
  text: string;
  /** As the Kubernetes models read it (unknown fields dropped). */
  typed: k8s.KubernetesObject;
  /** Every field as written. */
  plain: Record<string, unknown>;
}

/** The YAML as plain data: a kind no model knows makes loadYaml return it undeserialised. */
function plainOf(text: string): Record<string, unknown> {
  const kind = /^kind: *(\S+)/m.exec(text)?.[1];
  const data = k8s.loadYaml<Record<string, unknown>>(text.replace(/^kind: *\S+/m, 'kind: HeapgraphTestPlainData'));
  return { ...data, kind };
}

/** Reads every `*.yaml` of deploy/. */
export function readManifests(): Manifest[] {
  return readdirSync(deployDir)
    .filter((file) => file.endsWith('.yaml'))
    .sort()
    .map((file) => {
      const text = readFileSync(resolve(deployDir, file), 'utf8');
      return { file, text, typed: k8s.loadYaml<k8s.KubernetesObject>(text), plain: plainOf(text) };
    });
}

/** The manifest of `kind`; throws when there is not exactly one. */
export function manifestOf<T extends k8s.KubernetesObject>(manifests: readonly Manifest[], kind: string): T {
  const found = manifests.filter((m) => m.typed.kind === kind);
  if (found.length !== 1) throw new Error(`expected one ${kind} in deploy/, found ${found.length}`);
  return found[0]!.typed as T;
}

/** Paths (a.b[0].c) present in `written` but absent from `known`. */
function missingPaths(written: unknown, known: unknown, path: string): string[] {
  if (Array.isArray(written)) {
    return written.flatMap((item, i) => missingPaths(item, Array.isArray(known) ? known[i] : undefined, `${path}[${i}]`));
  }
  if (written === null || typeof written !== 'object') return [];
  const knownRecord = known !== null && typeof known === 'object' ? (known as Record<string, unknown>) : {};
  return Object.entries(written as Record<string, unknown>).flatMap(([key, value]) => {
    const at = path === '' ? key : `${path}.${key}`;
    return key in knownRecord ? missingPaths(value, knownRecord[key], at) : [at];
  });
}

/** Fields of a Kubernetes manifest that its model does not know (typos, wrong nesting). */
export function unknownFields(manifest: Manifest): string[] {
  return missingPaths(manifest.plain, plainOf(k8s.dumpYaml(manifest.typed)), '');
}

/**
 * The subresource the kubelet authorizes a request path as (kubelet `pkg/kubelet/server/auth.go`,
 * `GetRequestAttributes`): `/stats/*` → stats, `/metrics/*` → metrics, `/logs/*` → log,
 * `/spec/*` → spec, anything else → proxy; always on `nodes`, verb from the HTTP method.
 */
export function kubeletSubresource(path: string): string {
  const first = path.split('/')[1] ?? '';
  switch (first) {
    case 'stats':
      return 'stats';
    case 'metrics':
      return 'metrics';
    case 'logs':
      return 'log';
    case 'spec':
      return 'spec';
    default:
      return 'proxy';
  }
}

/** `/api/v1/pods` → core group; `/apis/apps/v1/deployments` → apps. */
export function groupAndResource(path: string): { group: string; resource: string } {
  const parts = path.split('/').filter((p) => p !== '');
  if (parts[0] === 'api') return { group: '', resource: parts[2]! };
  if (parts[0] === 'apis') return { group: parts[1]!, resource: parts[3]! };
  throw new Error(`not an API path: ${path}`);
}
