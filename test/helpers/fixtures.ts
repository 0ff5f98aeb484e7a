/**
 * Access to the real captures in `../shared/fixtures/` (beside the repository, read-only).
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Absolute path of a fixture, e.g. `fixturePath('kubelet-summary/summary-2017-gke-docker-beats.json')`. */
export function fixturePath(relative: string): string {
  return resolve(repoRoot, '..', 'shared', 'fixtures', relative);
}

/** A fixture's text. */
export function readFixture(relative: string): string {
  return readFileSync(fixturePath(relative), 'utf8');
}

/** A fixture parsed as JSON (for computing expectations in tests). */
export function readFixtureJson<T = any>(relative: string): T {
  return JSON.parse(readFixture(relative)) as T;
}

/** Every kubelet summary capture, oldest format first. */
export const summaryFixtures = [
  'kubelet-summary/summary-2017-gke-docker-beats.json',
  'kubelet-summary/summary-2019-gke-docker-datadog.json',
  'kubelet-summary/summary-k8s1.16-minikube-docker-nri.json',
  'kubelet-summary/summary-k8s1.26-minikube-containerd-nri.json',
  'kubelet-summary/summary-k8s1.35-minikube-containerd2-nri.json',
] as const;
