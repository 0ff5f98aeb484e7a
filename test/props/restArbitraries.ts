/**
 * fast-check arbitraries for REST requests built from the route grammar of src/api/rest (the
 * model tree, its aggregations, metric export, both metrics APIs, the process's own routes):
 * each `{slot}` is filled with a real name of the running model or a hostile one (random,
 * unicode, percent-encoded, overlong, `..`, broken escapes), with query parameters, methods and
 * headers from the same mix. Everything is produced as wire text: what `send` puts on the
 * request line.
 */
import fc from 'fast-check';
import type { OutgoingRequest } from './harness.js';

/** Real names of the model the requests are sent to. */
export interface ModelNames {
  nodes: string[];
  /** `hostname` labels (free containers are listed by hostname). */
  hostnames: string[];
  namespaces: string[];
  pods: string[];
  containers: string[];
  systemContainers: string[];
  metrics: string[];
  /** Label pairs of labeled metrics, as `key:value`. */
  labelPairs: string[];
  /** Kubernetes label pairs of pods and nodes, as `key=value`. */
  kubeLabels: string[];
  /** Timestamps of the stored batches, ms. */
  timestamps: number[];
}

/** A generated request with what went into it, for the checks. */
export interface RestCase extends OutgoingRequest {
  /** Decoded values of the path slots and query parameters, by name. */
  sent: Array<{ name: string; value: string }>;
}

type Slot = 'node' | 'hostname' | 'ns' | 'pod' | 'container' | 'sys' | 'metric' | 'aggs' | 'podList' | 'any';

const model = '/api/v1/model';
const beta = '/apis/metrics.k8s.io/v1beta1';
const alphas = ['/apis/metrics/v1alpha1', '/apis/metrics.k8s.io/v1alpha1'];
const entityPrefixes = ['', '/nodes/{node}', '/namespaces/{ns}', '/namespaces/{ns}/pods/{pod}', '/namespaces/{ns}/pods/{pod}/containers/{container}', '/nodes/{hostname}/freecontainers/{sys}'];

/** Every route pattern of the REST surface, plus a few that no route has. */
export const routeTemplates: readonly string[] = [
  ...entityPrefixes.flatMap((p) => [`${model}${p}/metrics`, `${model}${p}/metrics/{metric}`, `${model}${p}/metrics-aggregated/{aggs}/{metric}`]),
  `${model}/nodes`, `${model}/namespaces`, `${model}/namespaces/{ns}/pods`, `${model}/namespaces/{ns}/pods/{pod}/containers`,
  `${model}/nodes/{hostname}/freecontainers`, `${model}/debug/allkeys`,
  `${model}/namespaces/{ns}/pod-list/{podList}/metrics/{metric}`, `${model}/namespaces/{ns}/pod-list/{podList}/metrics-aggregated/{aggs}/{metric}`,
  '/api/v1/metric-export', '/api/v1/metric-export-schema',
  ...alphas.flatMap((a) => [`${a}/nodes`, `${a}/nodes/{node}`, `${a}/pods`, `${a}/namespaces/{ns}/pods`, `${a}/namespaces/{ns}/pods/{pod}`]),
  '/apis', '/apis/metrics.k8s.io', beta, `${beta}/nodes`, `${beta}/nodes/{node}`, `${beta}/pods`, `${beta}/namespaces/{ns}/pods`,
  `${beta}/namespaces/{ns}/pods/{pod}`, `${beta}/{any}`,
  '/healthz', '/healthz/healthz', '/metrics',
  '/api/v1/historical/nodes', `${model}/{any}/{any}`, '/{any}', '/{any}/{any}/{any}',
];

const aggregationNames = ['average', 'max', 'min', 'median', 'count', '50-perc', '95-perc', '99-perc'];
const aliases = ['cpu-usage', 'cpu-limit', 'memory-limit', 'memory-usage', 'memory-working'];

/** Bytes a request line may carry here: Node refuses headers over 16 KiB with its own 431. */
const overlongMax = 6_000;

/** Strings no well-behaved client sends: broken escapes, dot segments, controls, very long text. */
const hostileText = fc.oneof(
  fc.string({ maxLength: 24 }),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom('..', '.', '', ' ', '/', ',', ':', '-1', '0', 'null', '\u0000', 'a\tb', "' OR 1=1 --", '日本', 'é', '\u{1F600}', '%', '\\'),
  fc.integer({ min: 200, max: overlongMax }).map((n) => 'x'.repeat(n)),
);

/** Wire text that decodes badly or to path tricks; used verbatim. */
const rawEscapes = fc.constantFrom('%', '%z', '%zz', '%C3%28', '%FF', '%00', '%2F', '%2e%2e', '%252F', '%u0041', '%E2%82', '..%2F..%2F');

/** Percent-encodes what may not appear raw on a request line; `strict` also encodes `/?#%` and the like. */
function encode(text: string, strict: boolean): string {
  if (strict) return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += byte > 0x20 && byte < 0x7f && c !== '?' && c !== '#' && c !== '%' ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** A decoded value and its wire form. */
interface Part {
  value: string;
  wire: string;
}

const encoded = (text: fc.Arbitrary<string>): fc.Arbitrary<Part> =>
  fc.tuple(text, fc.boolean()).map(([value, strict]) => ({ value, wire: encode(value, strict) }));
const verbatim = rawEscapes.map((wire): Part => ({ value: wire, wire }));

/** A real name most of the time, else a hostile one. */
function nameOf(real: readonly string[]): fc.Arbitrary<Part> {
  const arbitraries: Array<fc.WeightedArbitrary<Part>> = [
    { weight: 2, arbitrary: encoded(hostileText) },
    { weight: 1, arbitrary: verbatim },
  ];
  if (real.length > 0) arbitraries.unshift({ weight: 5, arbitrary: encoded(fc.constantFrom(...real)) });
  return fc.oneof(...arbitraries);
}

function slotArbitraries(names: ModelNames): Record<Slot, fc.Arbitrary<Part>> {
  const metric = fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom(...names.metrics, ...aliases).map((m) => ({ value: m, wire: m.split('/').map((s) => encode(s, true)).join('/') })) },
    { weight: 2, arbitrary: fc.array(nameOf([]), { minLength: 1, maxLength: 4 }).map((ps) => ({ value: ps.map((p) => p.value).join('/'), wire: ps.map((p) => p.wire).join('/') })) },
  );
  const aggs = fc.oneof(
    { weight: 4, arbitrary: fc.uniqueArray(fc.constantFrom(...aggregationNames), { minLength: 1, maxLength: 8 }).map((a) => a.join(',')) },
    { weight: 2, arbitrary: fc.array(fc.oneof(fc.constantFrom(...aggregationNames, 'mean', 'MAX', '', 'p95', '100-perc'), fc.string({ maxLength: 6 })), { minLength: 1, maxLength: 5 }).map((a) => a.join(',')) },
  );
  const podList = fc.array(fc.oneof(fc.constantFrom(...names.pods), fc.string({ maxLength: 10 }), fc.constant('')), { minLength: 1, maxLength: 6 }).map((p) => p.join(','));
  return {
    node: nameOf(names.nodes),
    hostname: nameOf([...names.hostnames, ...names.nodes]),
    ns: nameOf(names.namespaces),
    pod: nameOf(names.pods),
    container: nameOf(names.containers),
    sys: nameOf(names.systemContainers),
    metric,
    aggs: fc.oneof({ weight: 5, arbitrary: encoded(aggs) }, { weight: 1, arbitrary: nameOf([]) }),
    podList: fc.oneof({ weight: 5, arbitrary: encoded(podList) }, { weight: 1, arbitrary: nameOf([]) }),
    any: nameOf(['nodes', 'pods', 'metrics', 'namespaces', 'api', 'v1', 'model']),
  };
}

/** RFC 3339 times around the stored batches, and text that is almost one. */
function timeText(timestamps: readonly number[]): fc.Arbitrary<string> {
  const around = fc.tuple(fc.constantFrom(...timestamps), fc.integer({ min: -3_600_000, max: 3_600_000 })).map(([t, d]) => t + d);
  const iso = fc.oneof(around, fc.integer({ min: -62_135_596_800_000, max: 253_402_300_799_999 })).map((ms) => new Date(ms).toISOString());
  return fc.oneof(
    { weight: 4, arbitrary: iso },
    { weight: 2, arbitrary: fc.tuple(iso, fc.constantFrom('+02:00', '-07:30', '+00:00', '+24:00', 'z', '+2:00')).map(([t, z]) => t.replace('Z', z)) },
    { weight: 1, arbitrary: iso.map((t) => t.replace(/\.\d+Z$/, '.123456789Z')) },
    { weight: 2, arbitrary: fc.constantFrom('yesterday', 'now', '0', '-1', '2024-02-30T00:00:00Z', '2024-13-01T00:00:00Z', '1e12', '2024-05-03', '2024-05-03T06:00:00', '10000-01-01T00:00:00Z', '2024-05-03T25:00:00Z', '2024-05-03T06:00:00.Z') },
    { weight: 2, arbitrary: hostileText },
  );
}

function queryArbitrary(names: ModelNames): fc.Arbitrary<Array<{ name: string; value: string }>> {
  const valueFor: Record<string, fc.Arbitrary<string>> = {
    start: timeText(names.timestamps),
    end: timeText(names.timestamps),
    labels: fc.oneof(
      fc.uniqueArray(fc.constantFrom(...names.labelPairs), { minLength: 1, maxLength: 3 }).map((l) => l.join(',')),
      fc.array(fc.oneof(fc.constantFrom('a:b', 'resource_id', ':x', 'x:', '', 'k::v', 'resource_id:/'), fc.string({ maxLength: 8 })), { minLength: 1, maxLength: 4 }).map((l) => l.join(',')),
    ),
    bucket: fc.oneof(
      fc.tuple(fc.nat({ max: 100_000 }), fc.constantFrom('ms', 's', 'm', 'h', 'd')).map(([n, u]) => `${n}${u}`),
      fc.constantFrom('', 'm', 's', 'ms', '5y', '-1s', '1.5m', '18446744073709551615s', '18446744073709551616s', '9223372036854775807ms', '1e3s', ' 1m'),
      hostileText,
    ),
    labelSelector: fc.oneof(
      fc.array(fc.constantFrom(...names.kubeLabels, 'app', '!app', 'app in (a,b)', 'app notin ()', 'x==y', 'a!=b', 'a>1', 'a<', '=', 'a in (', ''), { minLength: 1, maxLength: 3 }).map((s) => s.join(',')),
      hostileText,
    ),
    fieldSelector: fc.oneof(fc.constantFrom('metadata.name=x', 'metadata.namespace!=kube-system', 'spec.nodeName=a', 'metadata.name', '==', ''), hostileText),
  };
  const param = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...Object.keys(valueFor)).chain((name) => valueFor[name]!.map((value) => ({ name, value }))) },
    { weight: 1, arbitrary: fc.record({ name: fc.oneof(fc.constantFrom('verbose', 'pretty', 'limit', 'watch'), fc.string({ maxLength: 8 })), value: hostileText }) },
  );
  return fc.array(param, { maxLength: 4 });
}

/** Requests over the route grammar, filled from `names`. */
export function restRequests(names: ModelNames): fc.Arbitrary<RestCase> {
  const slots = slotArbitraries(names);
  const method = fc.oneof({ weight: 12, arbitrary: fc.constant('GET') }, { weight: 3, arbitrary: fc.constantFrom('HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'PROPFIND') });
  const accept = fc.option(fc.constantFrom('application/json', '*/*', 'text/html', 'application/json;q=0', 'text/plain, application/*', 'application/xml', '', ';;;'), { nil: undefined, freq: 2 });
  const acceptEncoding = fc.option(fc.constantFrom('gzip', 'deflate', 'br', 'gzip;q=0, deflate', 'identity', 'x-gzip', '*'), { nil: undefined });
  const query = queryArbitrary(names);
  return fc.constantFrom(...routeTemplates).chain((template) => {
    const pieces = template.split(/(\{[a-zA-Z]+\})/).filter((p) => p !== '');
    const parts = pieces.map((piece) => {
      const slot = /^\{(\w+)\}$/.exec(piece)?.[1] as Slot | undefined;
      return slot ? slots[slot].map((p) => ({ slot, ...p })) : fc.constant({ slot: undefined, value: piece, wire: piece });
    });
    return fc.record({
      parts: fc.tuple(...parts),
      query,
      queryStrict: fc.boolean(),
      trailingSlash: fc.boolean(),
      method,
      accept,
      acceptEncoding,
    });
  }).map(({ parts, query, queryStrict, trailingSlash, method, accept, acceptEncoding }) => {
    const path = parts.map((p) => p.wire).join('') + (trailingSlash ? '/' : '');
    const search = query.map(({ name, value }) => `${encode(name, true)}=${encode(value, queryStrict)}`).join('&');
    const headers: Record<string, string> = {};
    if (accept !== undefined) headers.accept = accept;
    if (acceptEncoding !== undefined) headers['accept-encoding'] = acceptEncoding;
    // What the server will see: path parts decoded as it decodes them, the query as URLSearchParams reads it.
    const decoded = (wire: string, value: string) => {
      try {
        return decodeURIComponent(wire);
      } catch {
        return value;
      }
    };
    const sent = [
      ...parts.filter((p) => p.slot !== undefined).map((p) => ({ name: p.slot!, value: decoded(p.wire, p.value) })),
      ...[...new URLSearchParams(search)].map(([name, value]) => ({ name, value })),
    ];
    return { method, target: search === '' ? path : `${path}?${search}`, headers, sent };
  });
}
