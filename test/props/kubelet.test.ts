/**
 * Property-based tests of the kubelet decoders and the processors over damaged real payloads:
 * every `/stats/summary` capture and every Prometheus text capture under ../shared/fixtures,
 * changed by kubeletArbitraries.ts. A decoder either returns finite values only, or throws the
 * sources' own `SourceError` (`malformed`) naming the field or line at fault; the processors,
 * run on an intact batch and then on the damaged one (so rates compare the two), never throw
 * and produce finite values only.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { customMetricPrefix, metricTypesOf } from '../../src/core/metrics.js';
import type { DataBatch, MetricSet } from '../../src/core/types.js';
import { createProcessors, runProcessors } from '../../src/processors/pipeline.js';
import { SourceError } from '../../src/sources/errors.js';
import { decodeResourceMetrics } from '../../src/sources/resource/decode.js';
import { decodeSummary } from '../../src/sources/summary/decode.js';
import type { DecodedNode, NodeInfo } from '../../src/sources/types.js';
import { readFixture, readFixtureJson, summaryFixtures } from '../helpers/fixtures.js';
import { fixtureListers } from '../helpers/listers.js';
import { propertySeed } from './harness.js';
import { damagedPromTexts, damagedSummaries } from './kubeletArbitraries.js';

/** Damaged bodies per capture. */
export const kubeletRuns = { summary: 300, resource: 400, cadvisor: 25 } as const;

const stepMs = 60_000;

/** Values that are not finite, integer metrics that are not integers, negative readings; empty when all is well. */
function badValues(metricSets: ReadonlyMap<string, MetricSet>, { allowNegative }: { allowNegative: boolean }): string[] {
  const bad: string[] = [];
  for (const [key, set] of metricSets) {
    for (const time of ['collectionStartTime', 'scrapeTime', 'entityCreateTime'] as const) {
      if (!Number.isFinite(set[time])) bad.push(`${key} ${time} = ${set[time]}`);
    }
    const values = [...[...set.metricValues].map(([name, value]) => ({ name, value })), ...set.labeledMetrics];
    for (const v of values) {
      const where = `${key} ${v.name} = ${v.value}`;
      if (typeof v.value !== 'number' || !Number.isFinite(v.value)) bad.push(`${where} (not finite)`);
      else if (metricTypesOf(v.name).valueType === 'int64' && !Number.isInteger(v.value)) bad.push(`${where} (int64 not an integer)`);
      else if (!allowNegative && v.value < 0 && !v.name.startsWith(customMetricPrefix)) bad.push(`${where} (negative)`);
    }
  }
  return bad;
}

/** Runs `decode`; returns its result, or undefined after checking that what it threw is a SourceError that says what was wrong. */
function decodeOrExplain(decode: () => DecodedNode, explains: (error: SourceError) => boolean, description: string): DecodedNode | undefined {
  try {
    return decode();
  } catch (error) {
    if (!(error instanceof SourceError)) throw new Error(`threw ${String(error)} (not a SourceError) for ${description}`, { cause: error });
    expect(error.code, description).toBe('malformed');
    expect(explains(error), `"${error.message}" does not say what was wrong, for ${description}`).toBe(true);
    return undefined;
  }
}

/** Processes the intact batch, then the damaged one, through one pipeline; checks the output. */
function checkProcessors(intact: DecodedNode, damaged: DecodedNode | undefined, t0: number, description: string): void {
  const processors = createProcessors({ listers: fixtureListers() });
  const batches: DataBatch[] = [
    { timestamp: t0, metricSets: intact.metricSets },
    { timestamp: t0 + stepMs, metricSets: damaged?.metricSets ?? new Map() },
  ];
  for (const batch of batches) {
    let processed: DataBatch;
    try {
      processed = runProcessors(processors, batch);
    } catch (error) {
      throw new Error(`processors threw ${String(error)} for ${description}`, { cause: error });
    }
    expect(badValues(processed.metricSets, { allowNegative: false }), description).toEqual([]);
  }
}

describe.each(summaryFixtures)('decodeSummary and the processors on damaged copies of %s', (fixture) => {
  const document = readFixtureJson(fixture);
  const info: NodeInfo = { nodeName: document.node.nodeName, hostname: `${document.node.nodeName}.example`, hostId: 'host-1' };
  const t0 = Date.parse(document.node.cpu?.time ?? document.node.memory?.time ?? '2017-04-20T08:00:00Z') + 30_000;
  const intact = decodeSummary(readFixture(fixture), info, { nowMs: t0 });
  // A node-level failure names the part of the document that is unusable.
  const explains = (error: SourceError) => typeof error.context.field === 'string' && error.context.field !== '' && error.message.includes(`${error.context.field}: `);

  it(`throws only a SourceError naming the field, else returns finite values that the processors take (${kubeletRuns.summary} bodies)`, () => {
    fc.assert(
      fc.property(damagedSummaries(document), ({ body, description }) => {
        const dropped: string[] = [];
        const decoded = decodeOrExplain(
          () => decodeSummary(body, info, { nowMs: t0 + stepMs, onDroppedEntity: (path, reason) => dropped.push(`${path}: ${reason}`) }),
          explains,
          description,
        );
        if (decoded) {
          expect(badValues(decoded.metricSets, { allowNegative: false }), description).toEqual([]);
          expect(decoded.droppedEntities, description).toBeGreaterThanOrEqual(dropped.length);
          // Every dropped entity is reported with its place and the value at fault.
          for (const line of dropped) expect(line, description).toMatch(/^(node|pods\[\d+\]|node\.systemContainers\[\d+\])[^:]*: .*expected .+, received /);
        }
        checkProcessors(intact, decoded, t0, description);
      }),
      { seed: propertySeed, numRuns: kubeletRuns.summary },
    );
  });
});

const resourceCaptures = [
  { fixture: 'kubelet-resource/resource-k8s1.21-kind-70pods-metrics-server.txt', runs: kubeletRuns.resource },
  { fixture: 'kubelet-resource/cadvisor-k8s1.26-minikube-containerd-nri.txt', runs: kubeletRuns.cadvisor },
  { fixture: 'kubelet-resource/cadvisor-pre1.16-2018-gke-docker-datadog.txt', runs: kubeletRuns.cadvisor },
] as const;

describe.each(resourceCaptures)('decodeResourceMetrics and the processors on damaged copies of $fixture', ({ fixture, runs }) => {
  const text = readFixture(fixture);
  const info: NodeInfo = { nodeName: 'minikube', hostname: 'minikube.example', hostId: 'host-1' };
  const t0 = 1_700_000_000_000;
  const intact = decodeOrExplain(() => decodeResourceMetrics(text, info, { nowMs: t0 }), () => true, 'the intact capture') ?? { metricSets: new Map(), droppedEntities: 0 };
  // A text error carries its line and column; the other refusals say what the body lacks.
  const explains = (error: SourceError) =>
    (typeof error.context.line === 'number' && error.message.includes(`line ${error.context.line}, column ${error.context.column}`)) ||
    /no kubelet resource metrics|scrape_error|not valid UTF-8/.test(error.message);

  it(`throws only a SourceError saying what was wrong, else returns finite values that the processors take (${runs} bodies)`, () => {
    fc.assert(
      fc.property(damagedPromTexts(text), ({ body, description }) => {
        const decoded = decodeOrExplain(() => decodeResourceMetrics(body, info, { nowMs: t0 + stepMs }), explains, description);
        if (decoded) expect(badValues(decoded.metricSets, { allowNegative: false }), description).toEqual([]);
        checkProcessors(intact, decoded, t0, description);
      }),
      { seed: propertySeed, numRuns: runs },
    );
  });
});
