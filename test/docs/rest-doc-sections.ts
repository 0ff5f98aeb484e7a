/**
 * The text of docs/api-rest.md and the example requests in it, in reading order. The examples
 * are run against a live Heapgraph by rest-examples.ts.
 */

/** Real names to put in example paths. */
export interface DocContext {
  node: string;
  namespace: string;
  pod: string;
  otherPod: string;
  container: string;
  /** A `key=value` label of the example pod. */
  selector: string;
  /** An RFC 3339 time between the retained batches. */
  start: string;
}

/** One example request. */
export interface DocEntry {
  title: string;
  text?: string;
  path: string;
  method?: string;
  headers?: Record<string, string>;
  /** For long text answers: the lines to show. */
  onlyLines?: RegExp;
}

/** A section: its prose, then its examples. */
export interface DocSection {
  text: string;
  entries: DocEntry[];
}

const intro = `# REST API

Heapgraph serves Heapster's REST API unchanged for legacy clients (dashboards, scripts, autoscalers,
\`kubectl top\`-style readers), beside GraphQL, on the same port (\`--heapster_port\`, default 8082).
It is a thin translation over the query service: every number comes from the model store and the
informer caches. The examples below were produced by \`npx tsx test/docs/rest-examples.ts\` against
Heapgraph running on its embedded simulator at 5 s resolution; long arrays and maps are trimmed
(\`"… N more"\`). Heapgraph indents JSON with one space as Heapster's go-restful did (pod lists,
metric export and metrics.k8s.io/v1beta1 are compact); the examples are re-indented for reading.

Deliberate differences from Heapster are listed in [compatibility.md](compatibility.md#rest-api).

## Conventions

- **Paths.** A trailing slash is optional everywhere. \`{metric-name}\` takes the rest of the path, so
  \`…/metrics/cpu/usage_rate\` names \`cpu/usage_rate\`. Unknown paths answer \`404\` with
  \`404: Page Not Found\`; methods other than GET answer \`405\` (\`405: Method Not Allowed\`); an
  \`Accept\` header that admits no JSON answers \`406\` (\`406: Not Acceptable\`).
- **Compression.** \`Accept-Encoding: gzip\` (or \`deflate\`) compresses any answer.
- **Aliases.** \`cpu-usage\` → \`cpu/usage_rate\`, \`cpu-limit\` → \`cpu/limit\`, \`memory-limit\` → \`memory/limit\`,
  \`memory-usage\` → \`memory/usage\`, \`memory-working\` → \`memory/working_set\`, on every metric route.
- **Time range.** \`start\` and \`end\` are RFC 3339 (\`2016-09-14T10:00:00Z\`, fractions and offsets
  allowed; encode \`+\` as \`%2B\`). Both bounds are inclusive; no \`start\` means everything retained, no
  \`end\` means now. A bad time is a plain-text \`400\`: \`timestamp argument cannot be parsed: <Go's error>\`.
- **Labels.** \`labels=key:value,key2:value2\` selects a labeled metric (\`filesystem/usage\`, …) whose label
  set is exactly that; each pair splits on its first colon. A bad pair is \`400 invalid label pair "<pair>"\`.
  Without \`labels\` the unlabeled metric is meant.
- **Values.** \`value\` is the integer part (toward zero; negative stays negative). Float metrics also
  carry the exact \`floatValue\`. Metric routes answer every retained point (\`--model_retention\`,
  default 15 min) and never 404: an unknown entity or metric is \`{"metrics": [], "latestTimestamp":
  "0001-01-01T00:00:00Z"}\`.
- **Lists** (nodes, namespaces, pods, containers, free containers, keys) read the newest batch only;
  metric-name lists read the whole retention and name unlabeled metrics only. \`/nodes/\` lists the
  \`hostname\` label, and \`freecontainers/\` filters by it, as Heapster did.`;

/** Every section, with example paths built from real names. */
export function restDocSections(c: DocContext): DocSection[] {
  const m = '/api/v1/model';
  const pod = `${m}/namespaces/${c.namespace}/pods/${c.pod}`;
  const container = `${pod}/containers/${c.container}`;
  const free = `${m}/nodes/${c.node}/freecontainers/kubelet`;
  const e = (title: string, path: string, text?: string): DocEntry => (text ? { title, path, text } : { title, path });
  return [
    { text: intro, entries: [] },
    {
      text: '## The model: `/api/v1/model`\n\nHeapster\'s 19 routes. Handler names (the `handler` label of `http_requests_total`) are Heapster\'s and are given in brackets.',
      entries: [
        e('1. Cluster metric names [availableClusterMetrics]', `${m}/metrics/`),
        e('2. A cluster metric [clusterMetrics]', `${m}/metrics/cpu/usage_rate`),
        e('3. Nodes [nodeList]', `${m}/nodes/`),
        e('4. A node\'s metric names [availableNodeMetrics]', `${m}/nodes/${c.node}/metrics/`),
        e('5. A node metric, from a start time [nodeMetrics]', `${m}/nodes/${c.node}/metrics/memory/working_set?start=${c.start}`),
        e('5b. A labeled node metric', `${m}/nodes/${c.node}/metrics/filesystem/usage?labels=resource_id:/`),
        e('6. Namespaces [namespaceList]', `${m}/namespaces/`),
        e('7. A namespace\'s metric names [availableNamespaceMetrics]', `${m}/namespaces/${c.namespace}/metrics`),
        e('8. A namespace metric, by alias [namespaceMetrics]', `${m}/namespaces/${c.namespace}/metrics/memory-usage`),
        e('9. A namespace\'s pods [namespacePodList]', `${m}/namespaces/${c.namespace}/pods/`),
        e('10. A pod\'s metric names [availablePodMetrics]', `${pod}/metrics`),
        e('11. A float pod metric: `value` and `floatValue` [podMetrics]', `${pod}/metrics/network/rx_rate`),
        e('12. A pod\'s containers [podContainerList]', `${pod}/containers`),
        e('13. A container\'s metric names [availableContainerMetrics]', `${container}/metrics`),
        e('14. A container metric [podContainerMetrics]', `${container}/metrics/cpu-usage`),
        e('15. A node\'s free (system) containers, by hostname [systemContainerList]', `${m}/nodes/${c.node}/freecontainers/`),
        e('16. A free container\'s metric names [availableMetrics]', `${free}/metrics`),
        e('17. A free container metric [freeContainerMetrics]', `${free}/metrics/memory/working_set?start=${c.start}`),
        e('18. One metric of several pods [podListMetric]', `${m}/namespaces/${c.namespace}/pod-list/${c.pod},nobody,${c.pod}/metrics/memory/usage?start=${c.start}`,
          'One item per listed pod, in the order given, duplicates kept; an unknown pod gives an empty item.'),
        e('19. Every metric-set key of the newest batch [debugAllKeys]', `${m}/debug/allkeys`),
      ],
    },
    {
      text: `## Aggregations: \`metrics-aggregated/{aggregations}/{metric-name}\`

Heapster served these from InfluxDB only (under \`/api/v1/historical\`); Heapgraph answers them from memory
under \`/api/v1/model\`, with the same JSON. \`{aggregations}\` is a comma-separated list of \`average\`,
\`max\`, \`min\`, \`median\`, \`count\`, \`50-perc\`, \`95-perc\`, \`99-perc\` (InfluxDB's definitions;
percentiles by nearest rank). \`bucket\` (\`<n>ms|s|m|h|d\`) splits the range into epoch-aligned buckets;
without it there is one bucket starting at \`start\` (or the first point). \`bucketSize\` is in nanoseconds.
A column is \`intValue\` in every bucket when all its values are integers, else \`floatValue\`; \`count\`
appears only when asked for. \`start\`, \`end\` and \`labels\` work as above. Errors are plain-text \`400\`s:
\`Unknown aggregation "<name>"\`, \`unable to parse bucket size: "<x>" has no known duration suffix\`,
\`… is too short to be a duration\`, \`strconv.ParseUint: parsing "<n>": invalid syntax\`.`,
      entries: [
        e('Cluster [clusterMetrics]', `${m}/metrics-aggregated/average,max,min,count/cpu/usage_rate`),
        e('Node, with buckets [nodeMetrics]', `${m}/nodes/${c.node}/metrics-aggregated/max,median,95-perc/memory/working_set?bucket=10s`),
        e('Namespace [namespaceMetrics]', `${m}/namespaces/${c.namespace}/metrics-aggregated/average,count/memory-usage`),
        e('Pod [podMetrics]', `${pod}/metrics-aggregated/50-perc,99-perc/network/rx_rate`),
        e('Container [podContainerMetrics]', `${container}/metrics-aggregated/min,max/cpu/usage_rate?start=${c.start}`),
        e('Free container [freeContainerMetrics]', `${free}/metrics-aggregated/average/memory/working_set`),
        e('Pod list [podListAggregations]', `${m}/namespaces/${c.namespace}/pod-list/${c.pod},${c.otherPod}/metrics-aggregated/max,count/memory/usage?bucket=1m`),
      ],
    },
    {
      text: `## Metric export: \`/api/v1/metric-export\` and \`/api/v1/metric-export-schema\`

The newest batch as Heapster's GKE dump: one timeseries per node, system container, pod and container,
the standard metrics, \`cpu/limit\`, \`memory/limit\` and the labeled metrics (no rates, requests or
autoscaling metrics), labels limited to the common, container and pod keys, with \`container_name\`
set to \`machine\` on nodes and \`/pod\` on pods. Cumulative points start when the entity started. Before
the first batch the export is \`null\`; with \`createRestSurface({ disableExport: true })\` it is \`[]\`.`,
      entries: [e('The export (compact JSON)', '/api/v1/metric-export'), e('The schema', '/api/v1/metric-export-schema')],
    },
    {
      text: `## Resource metrics, Heapster's v1alpha1: \`/apis/metrics/v1alpha1\` and \`/apis/metrics.k8s.io/v1alpha1\`

Heapster's shapes (no \`kind\`, list \`items\` \`null\` when empty) under both prefixes Heapster used. Nodes
and pods come from the informer caches, usage from the newest batch (\`cpu/usage_rate\`,
\`memory/working_set\`); a pod is listed only when every container of its spec has both. \`labelSelector\`
filters lists. Errors are plain text: \`Error while parsing selector <s>: <why>\` (400),
\`No metrics for node <n>\`, \`Pod <ns>/<name> not defined\`, \`No metrics availalble for pod <ns>/<name>\` (404).`,
      entries: [
        e('Nodes', '/apis/metrics/v1alpha1/nodes'),
        e('One node', `/apis/metrics.k8s.io/v1alpha1/nodes/${c.node}`),
        e('All pods', '/apis/metrics/v1alpha1/pods'),
        e('A namespace\'s pods, by label', `/apis/metrics/v1alpha1/namespaces/${c.namespace}/pods?labelSelector=${encodeURIComponent(c.selector)}`),
        e('One pod', `/apis/metrics/v1alpha1/namespaces/${c.namespace}/pods/${c.pod}`),
        e('A pod the API server does not know', `/apis/metrics/v1alpha1/namespaces/${c.namespace}/pods/nobody`),
      ],
    },
    {
      text: `## Resource metrics, metrics-server's v1beta1: \`/apis/metrics.k8s.io/v1beta1\`

metrics-server's shapes, so its clients read Heapgraph: \`kind\`/\`apiVersion\`, \`metadata\` with the
object's labels, \`window\` = the metric resolution, CPU in canonical Kubernetes quantities, memory in
\`Ki\`/\`Mi\`. \`labelSelector\` and \`fieldSelector\` (\`metadata.name\`, \`metadata.namespace\`) filter lists.
Errors are Kubernetes \`Status\` objects. The discovery documents make the group visible to
\`kubectl\`-style clients.`,
      entries: [
        e('Discovery: group list', '/apis'),
        e('Discovery: the group', '/apis/metrics.k8s.io'),
        e('Discovery: the resources', '/apis/metrics.k8s.io/v1beta1'),
        e('NodeMetricsList', '/apis/metrics.k8s.io/v1beta1/nodes'),
        e('NodeMetrics', `/apis/metrics.k8s.io/v1beta1/nodes/${c.node}`),
        e('PodMetricsList of all namespaces', '/apis/metrics.k8s.io/v1beta1/pods'),
        e('PodMetricsList of one namespace, by label', `/apis/metrics.k8s.io/v1beta1/namespaces/${c.namespace}/pods?labelSelector=${encodeURIComponent(c.selector)}`),
        e('PodMetrics', `/apis/metrics.k8s.io/v1beta1/namespaces/${c.namespace}/pods/${c.pod}`),
        e('An unknown node', '/apis/metrics.k8s.io/v1beta1/nodes/nowhere'),
        e('An unknown resource', '/apis/metrics.k8s.io/v1beta1/deployments'),
      ],
    },
    {
      text: '## Health and self-metrics',
      entries: [
        e('`/healthz` (Heapster\'s check: a batch exists, is at most 3 minutes old, has a metric set)', '/healthz'),
        e('`/healthz?verbose`', '/healthz?verbose'),
        {
          title: '`/metrics`: process metrics, Heapster\'s self-metric names, per-route `http_requests_total` and `http_request_duration_microseconds` (a selection of lines)',
          path: '/metrics',
          onlyLines: /^(# TYPE )?(process_cpu_seconds_total|heapster_scraper_duration_milliseconds_count|heapster_processor_duration_milliseconds_count|heapster_exporter_last_time_seconds|http_requests_total|http_request_duration_microseconds_count)/,
        },
      ],
    },
    {
      text: '## Errors',
      entries: [
        e('A bad time', `${m}/metrics/cpu/usage_rate?start=yesterday`),
        e('A bad label pair', `${m}/nodes/${c.node}/metrics/filesystem/usage?labels=resource_id`),
        e('An unknown aggregation', `${m}/metrics-aggregated/mean/cpu/usage_rate`),
        e('A bad bucket', `${m}/metrics-aggregated/max/cpu/usage_rate?bucket=5y`),
        e('An unknown route', `${m}/no/such/route`),
        { title: 'A wrong method', path: `${m}/nodes/`, method: 'POST' },
        { title: 'No JSON acceptable', path: `${m}/nodes/`, headers: { Accept: 'text/html' } },
      ],
    },
  ];
}
