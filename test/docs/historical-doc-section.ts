/**
 * The text of the "Historical API" section of docs/api-rest.md and its example requests, in
 * reading order. historical-examples.ts runs them against a live Heapgraph and influxd.
 */
import type { DocEntry } from './rest-doc-sections.js';

/** Real names to put in example paths. */
export interface HistoricalDocContext {
  node: string;
  namespace: string;
  pod: string;
  podId: string;
  otherPod: string;
  otherPodId: string;
  container: string;
  /** RFC 3339, a second before the first batch. */
  start: string;
  /** RFC 3339, the fourth batch's time (excluded by the exclusive bound). */
  end: string;
}

const text = `## Historical API: \`/api/v1/historical\`

Mounted only with \`--historical_source=<sink URI>\`, which must repeat an \`influxdb\` \`--sink\` exactly (otherwise
Heapgraph refuses to start: \`Failed to use a sink as a historical metrics source\`). Every answer comes from
InfluxDB, through InfluxQL as Heapster wrote it ([influxdb.md](influxdb.md)), so it reaches as far back as
InfluxDB keeps points. The examples below were produced by \`npx tsx test/docs/historical-examples.ts\`
against Heapgraph on its embedded simulator at 5 s resolution, writing to a real \`influxd\` 1.6.

- **Routes.** The model routes 1–18 under \`/api/v1/historical\` (not \`debug/allkeys\`), the aggregation routes
  below (also by pod UID), and raw metrics by pod UID: \`/pod-id/{pod-id}/metrics/{metric-name}\`,
  \`/pod-id/{pod-id}/containers/{container-name}/metrics/{metric-name}\`,
  \`/pod-id-list/{pod-id-list}/metrics/{metric-name}\`. UIDs match the \`pod_id\` tag Heapgraph's sink writes.
  Paths, aliases, \`labels\`, \`bucket\`, JSON shapes and handler names (in brackets) are the model API's.
- **Time range.** \`start\` is mandatory: missing, empty or Go's zero time (\`0001-01-01T00:00:00Z\`) is
  \`400 no start time (or a start time of zero) provided\`. \`end\` defaults to now. Both bounds are
  **exclusive** (\`time > start AND time < end\`). Times outside InfluxDB's range (1677-09-21 to 2262-04-11)
  are clamped to it.
- **Lists** come from InfluxDB's tag values over everything it holds (not only the newest batch), sorted;
  an empty list is \`[]\`. The one exception, as in Heapster: a pod's containers (\`…/pods/{pod}/containers\`)
  are listed from memory. Metric-name lists name the measurements holding points of the entity, labeled
  metrics included.
- **Missing data.** A metric route answers \`500 No results for metric "<metric>" describing "<key>"\` when
  **any** requested key has no points in range, so one unknown pod fails a whole pod list (Heapster's rule).
  An aggregation of an entity without points is \`{"buckets": [], "bucketSize": 0}\`.
- **Values.** A point carries \`floatValue\` when any value of the answer is fractional (InfluxDB's JSON does not
  say which stored numbers were floats; Heapster's rule). Aggregation buckets are InfluxDB's: epoch-aligned
  bucket starts with \`bucket\`, empty buckets skipped; without \`bucket\` one bucket stamped with the range
  start (InfluxDB stamps a lone \`max\`, \`min\` or percentile with the selected point's time instead).
- **Refused input** (400, Heapster's texts, before InfluxDB is asked): names outside \`[a-zA-Z0-9_.-]\`
  (\`Invalid node name "<name>"\`, also namespace, pod, container and pod id), metric names and label keys outside
  \`[a-zA-Z0-9_./:-]\`, label values with a quote, a backslash or a non-printable character.
- **InfluxDB failures** are \`500\`s that say so: \`InfluxDB did not answer: …\` when it refuses the connection or
  gives no answer within the request timeout (10 s), \`InfluxDB query failed: …\` with InfluxDB's error otherwise.
  No request waits longer than the timeout.`;

/** The section's prose, its examples, and the examples to run once InfluxDB is stopped. */
export function historicalDocSection(c: HistoricalDocContext): { text: string; entries: DocEntry[]; whileDown: DocEntry[] } {
  const h = '/api/v1/historical';
  const ns = `${h}/namespaces/${c.namespace}`;
  const pod = `${ns}/pods/${c.pod}`;
  const container = `${pod}/containers/${c.container}`;
  const free = `${h}/nodes/${c.node}/freecontainers/kubelet`;
  const byUid = `${h}/pod-id/${c.podId}`;
  const range = `start=${c.start}`;
  const e = (title: string, path: string, note?: string): DocEntry => (note ? { title, path, text: note } : { title, path });
  return {
    text,
    entries: [
      e('Nodes [nodeList]', `${h}/nodes/`),
      e('Namespaces [namespaceList]', `${h}/namespaces/`),
      e('A namespace\'s pods [namespacePodList]', `${ns}/pods/`),
      e('A pod\'s containers, from memory [podContainerList]', `${pod}/containers`),
      e('A node\'s free containers [systemContainerList]', `${h}/nodes/${c.node}/freecontainers/`),
      e('Cluster metric names [availableClusterMetrics]', `${h}/metrics/`),
      e('A node\'s metric names [availableNodeMetrics]', `${h}/nodes/${c.node}/metrics/`),
      e('A pod\'s metric names [availablePodMetrics]', `${pod}/metrics`),
      e('A cluster metric [clusterMetrics]', `${h}/metrics/cpu/usage_rate?${range}`),
      e('A node metric between two times [nodeMetrics]', `${h}/nodes/${c.node}/metrics/memory/working_set?${range}&end=${c.end}`,
        'The point at `end` itself is not included.'),
      e('A labeled node metric [nodeMetrics]', `${h}/nodes/${c.node}/metrics/filesystem/usage?${range}&labels=resource_id:/`),
      e('A namespace metric, by alias [namespaceMetrics]', `${ns}/metrics/memory-usage?${range}`),
      e('A float pod metric [podMetrics]', `${pod}/metrics/network/rx_rate?${range}`),
      e('A container metric [podContainerMetrics]', `${container}/metrics/cpu-usage?${range}`),
      e('A free container metric [freeContainerMetrics]', `${free}/metrics/memory/working_set?${range}`),
      e('One metric of several pods [podListMetric]', `${ns}/pod-list/${c.pod},${c.otherPod},${c.pod}/metrics/memory/usage?${range}`,
        'One item per listed pod, in the order given, duplicates kept (compact JSON).'),
      e('A pod by UID [podMetrics]', `${byUid}/metrics/memory/usage?${range}`),
      e('A container by pod UID [podContainerMetrics]', `${byUid}/containers/${c.container}/metrics/cpu/usage_rate?${range}`),
      e('Several pods by UID [podListAggregations]', `${h}/pod-id-list/${c.podId},${c.otherPodId}/metrics/memory/usage?${range}`,
        'Heapster instrumented this raw route under `podListAggregations`; so does Heapgraph.'),
      e('Aggregations of the cluster, one bucket [clusterMetrics]', `${h}/metrics-aggregated/average,max,min,count/cpu/usage_rate?${range}`),
      e('Aggregations of a node, with buckets [nodeMetrics]', `${h}/nodes/${c.node}/metrics-aggregated/max,median,95-perc/memory/working_set?${range}&bucket=10s`),
      e('Aggregations of a namespace [namespaceMetrics]', `${ns}/metrics-aggregated/average,count/memory-usage?${range}&bucket=1m`),
      e('Aggregations of a pod [podMetrics]', `${pod}/metrics-aggregated/50-perc,99-perc/network/rx_rate?${range}`),
      e('Aggregations of a container [podContainerMetrics]', `${container}/metrics-aggregated/min,max/cpu/usage_rate?${range}&bucket=10s`),
      e('Aggregations of a pod by UID [podMetrics]', `${byUid}/metrics-aggregated/max,count/memory/usage?${range}&bucket=10s`),
      e('Aggregations of a container by pod UID [podContainerMetrics]', `${byUid}/containers/${c.container}/metrics-aggregated/average/cpu/usage_rate?${range}`),
      e('Aggregations of a free container [freeContainerMetrics]', `${free}/metrics-aggregated/average/memory/working_set?${range}`),
      e('Aggregations of several pods [podListAggregations]', `${ns}/pod-list/${c.pod},${c.otherPod}/metrics-aggregated/max,count/memory/usage?${range}&bucket=1m`),
      e('Aggregations of several pods by UID [podListAggregations]', `${h}/pod-id-list/${c.podId},${c.otherPodId}/metrics-aggregated/max/memory/usage?${range}&bucket=1m`),
      e('An aggregation of an entity without points', `${h}/nodes/no-such-node/metrics-aggregated/max/cpu/usage_rate?${range}`),
      e('No start time', `${h}/nodes/${c.node}/metrics/cpu/usage_rate`),
      e('A name InfluxQL could not quote', `${h}/namespaces/${c.namespace}/pods/it's/metrics/cpu/usage_rate?${range}`),
      e('A key without points', `${ns}/pod-list/${c.pod},nobody/metrics/memory/usage?${range}`,
        'One unknown pod fails the whole list, as in Heapster.'),
    ],
    whileDown: [e('InfluxDB stopped', `${h}/nodes/${c.node}/metrics/cpu/usage_rate?${range}`)],
  };
}
