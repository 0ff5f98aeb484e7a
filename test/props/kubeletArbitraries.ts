/**
 * fast-check arbitraries that damage real kubelet payloads: the `/stats/summary` JSON captures
 * (fields dropped, retyped, made negative, huge or non-finite, pods and containers duplicated,
 * times garbled) and the Prometheus texts of `/metrics/resource` and `/metrics/cadvisor` (lines
 * dropped or repeated, values and timestamps replaced, labels and braces broken), and then
 * either body as bytes (truncated, bytes flipped).
 */
import fc from 'fast-check';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = Array<string | number>;

/** Every path of a JSON document (objects' keys and arrays' indexes), root excluded. */
export function jsonPaths(document: Json): Path[] {
  const paths: Path[] = [];
  const walk = (value: Json, path: Path) => {
    if (Array.isArray(value)) value.forEach((item, i) => (paths.push([...path, i]), walk(item, [...path, i])));
    else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) (paths.push([...path, k]), walk(v, [...path, k]));
  };
  walk(document, []);
  return paths;
}

/** Values that break what a field expects. */
const replacement: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(null, '', '123', 'abc', 'NaN', 'Infinity', '-1', true, false, {}, [], [1, 2], { nested: { deeper: [] } }),
  fc.constantFrom<Json>(-1, -0.5, 0, 1.5, 2 ** 53 + 2, 2 ** 63, 2 ** 64, 9.3e18, 1e308, -1e308, Number.MAX_SAFE_INTEGER, Number.MIN_VALUE),
  fc.constantFrom<Json>('0001-01-01T00:00:00Z', '2022-13-45T99:99:99Z', '2022-12-27T23:32:00', '1672183920', '9999-12-31T23:59:59.999999999+14:00', '2022-12-27T23:32:00.123456789012Z'),
  fc.integer().map<Json>((n) => n),
  fc.double().filter((d) => Number.isFinite(d)).map<Json>((d) => d),
  fc.string({ maxLength: 10 }).map<Json>((s) => s),
);

/**
 * One change to a document at a path, chosen by index into its paths; `entity` picks among the
 * array elements only (pods, containers, volumes, interfaces), so whole entities are dropped,
 * retyped and duplicated as often as single values are.
 */
type Mutation = { kind: 'drop' | 'replace' | 'duplicate'; at: number; value: Json; entity: boolean };

const mutation: fc.Arbitrary<Mutation> = fc.record({ kind: fc.constantFrom('drop', 'replace', 'replace', 'duplicate'), at: fc.nat(), value: replacement, entity: fc.boolean() });

/** The paths a mutation chooses from. */
interface Paths {
  all: Path[];
  elements: Path[];
}

function pathOf(paths: Paths, m: Mutation): Path {
  const pool = m.entity && paths.elements.length > 0 ? paths.elements : paths.all;
  return pool[m.at % pool.length]!;
}

function apply(document: Json, paths: Paths, m: Mutation): void {
  const path = pathOf(paths, m);
  let parent: Json = document;
  for (const key of path.slice(0, -1)) {
    if (parent === null || typeof parent !== 'object') return;
    parent = (parent as Record<string | number, Json>)[key] as Json;
  }
  if (parent === null || typeof parent !== 'object') return;
  const key = path[path.length - 1]!;
  const container = parent as Record<string | number, Json>;
  if (!(key in container)) return;
  switch (m.kind) {
    case 'drop':
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete container[key];
      return;
    case 'replace':
      container[key] = structuredClone(m.value);
      return;
    case 'duplicate':
      // A second copy of an entity (pod, container, volume): same names, same or other values.
      if (Array.isArray(parent)) parent.push(structuredClone(parent[key as number]!));
      else container[key] = structuredClone(m.value);
  }
}

/** Damage done to a body's text or bytes after the structural changes. */
type TextDamage = { kind: 'none' | 'truncate' | 'flip' | 'infinite' | 'insert'; at: number; byte: number };

/** Text damage in `damagedPercent` of the bodies. */
const textDamage = (damagedPercent: number): fc.Arbitrary<TextDamage> =>
  fc.record({
    kind: fc.oneof({ weight: 100 - damagedPercent, arbitrary: fc.constant('none' as const) }, { weight: damagedPercent, arbitrary: fc.constantFrom('truncate', 'flip', 'infinite', 'insert') }),
    at: fc.nat(),
    byte: fc.integer({ min: 0, max: 255 }),
  });

/** The body as bytes, damaged: cut short, one byte changed, a number made infinite, a byte inserted. */
function damage(text: string, d: TextDamage): Uint8Array {
  if (d.kind === 'infinite') {
    // JSON.parse reads 1e400 as Infinity; Prometheus text as an invalid float.
    const numbers = [...text.matchAll(/\d+(\.\d+)?/g)];
    const target = numbers[d.at % Math.max(1, numbers.length)];
    if (target) text = text.slice(0, target.index) + '1e400' + text.slice(target.index! + target[0].length);
    return Buffer.from(text, 'utf8');
  }
  const bytes = Buffer.from(text, 'utf8');
  const i = bytes.length === 0 ? 0 : d.at % bytes.length;
  switch (d.kind) {
    case 'truncate':
      return bytes.subarray(0, i);
    case 'flip':
      if (bytes.length > 0) bytes[i] = d.byte;
      return bytes;
    case 'insert':
      return Buffer.concat([bytes.subarray(0, i), Buffer.from([d.byte]), bytes.subarray(i)]);
    default:
      return bytes;
  }
}

/** A summary capture with 1 to 8 structural changes and maybe text damage; as text or bytes. */
export function damagedSummaries(document: Json): fc.Arbitrary<{ body: string | Uint8Array; description: string }> {
  const all = jsonPaths(document);
  const paths: Paths = { all, elements: all.filter((p) => typeof p[p.length - 1] === 'number') };
  return fc.tuple(fc.array(mutation, { minLength: 1, maxLength: 8 }), textDamage(40), fc.boolean()).map(([mutations, d, asText]) => {
    const copy = structuredClone(document);
    // Paths index the original document; a change that removed the way to a later one skips it.
    for (const m of mutations) apply(copy, paths, m);
    const text = JSON.stringify(copy);
    const description = `${mutations.map((m) => `${m.kind} ${pathOf(paths, m).join('.')}${m.kind === 'drop' ? '' : ` ← ${JSON.stringify(m.value)}`}`).join('; ')}; text ${d.kind}@${d.at}`;
    return { body: d.kind === 'none' && asText ? text : damage(text, d), description };
  });
}

/** Replacements for a sample's value or timestamp: mostly numbers the text format allows, some it does not. */
const sampleNumber = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('NaN', '+Inf', '-Inf', '-1', '-0', '0', '9.3e18', '1.8446744073709552e19', '1e-400', '1e300', '9007199254740993') },
  { weight: 2, arbitrary: fc.double().map(String) },
  { weight: 2, arbitrary: fc.integer().map(String) },
  { weight: 1, arbitrary: fc.constantFrom('abc', '', '0x10', '1_000', '٣', '1e400', 'Inf') },
);

type LineChange = { kind: 'drop' | 'repeat' | 'value' | 'timestamp' | 'labels' | 'brace' | 'reorder'; at: number; text: string };

const lineChange: fc.Arbitrary<LineChange> = fc.record({
  // Broken braces make the whole text invalid; rarer, so that most bodies still parse.
  kind: fc.oneof({ weight: 30, arbitrary: fc.constantFrom('drop', 'repeat', 'value', 'value', 'timestamp', 'labels', 'reorder') }, { weight: 1, arbitrary: fc.constant('brace' as const) }),
  at: fc.nat(),
  text: sampleNumber,
});

function changeLine(lines: string[], c: LineChange): void {
  if (lines.length === 0) return;
  const i = c.at % lines.length;
  const line = lines[i]!;
  const sample = /^(\w+)(\{.*\})? (\S+)( \S+)?$/.exec(line);
  switch (c.kind) {
    case 'drop':
      lines.splice(i, 1);
      return;
    case 'repeat':
      // Same series twice (a duplicate pod or container), possibly with another value.
      lines.splice(i + 1, 0, sample ? `${sample[1]}${sample[2] ?? ''} ${c.text}${sample[4] ?? ''}` : line);
      return;
    case 'reorder':
      lines.push(lines.splice(i, 1)[0]!);
      return;
    case 'value':
      if (sample) lines[i] = `${sample[1]}${sample[2] ?? ''} ${c.text}${sample[4] ?? ''}`;
      return;
    case 'timestamp':
      if (sample) lines[i] = `${sample[1]}${sample[2] ?? ''} ${sample[3]} ${c.text}`;
      return;
    case 'labels': {
      // Without one of its labels (pod, container, namespace...), or with it emptied.
      if (!sample?.[2]) return;
      const labels = sample[2].slice(1, -1).split(/,(?=\w+=")/);
      const j = Math.floor(c.at / lines.length) % labels.length;
      if (c.at % 2 === 0) labels.splice(j, 1);
      else labels[j] = labels[j]!.replace(/=".*"$/, '=""');
      lines[i] = `${sample[1]}{${labels.join(',')}} ${sample[3]}${sample[4] ?? ''}`;
      return;
    }
    case 'brace':
      lines[i] = line.replace(/[{}"]/, '');
  }
}

/** A Prometheus text with 1 to 6 line changes and maybe text damage. */
export function damagedPromTexts(text: string): fc.Arbitrary<{ body: string | Uint8Array; description: string }> {
  // The final line feed stays final whatever happens to the lines.
  const lines = text.replace(/\n$/, '').split('\n');
  // Any byte damage breaks a Prometheus text; rarer here, so most bodies reach the decoder's value checks.
  return fc.tuple(fc.array(lineChange, { minLength: 1, maxLength: 6 }), textDamage(15), fc.boolean()).map(([changes, d, asText]) => {
    const copy = [...lines];
    for (const c of changes) changeLine(copy, c);
    const changed = `${copy.join('\n')}\n`;
    const description = `${changes.map((c) => `${c.kind}@${c.at % lines.length} ${c.text}`).join('; ')}; text ${d.kind}@${d.at}`;
    return { body: d.kind === 'none' && asText ? changed : damage(changed, d), description };
  });
}
