import { describe, expect, it } from 'vitest';
import { PromTextError } from '../../src/sources/promtext/errors.js';
import { parsePromText } from '../../src/sources/promtext/parse.js';
import type { PromSample } from '../../src/sources/promtext/types.js';
import { readFixture } from '../helpers/fixtures.js';

const captures = [
  'kubelet-resource/cadvisor-k8s1.26-minikube-containerd-nri.txt',
  'kubelet-resource/cadvisor-pre1.16-2018-gke-docker-datadog.txt',
  'kubelet-resource/resource-k8s1.21-kind-70pods-metrics-server.txt',
] as const;

function parseAll(text: string): { samples: PromSample[]; families: ReturnType<typeof parsePromText>['families'] } {
  const samples: PromSample[] = [];
  const { families, sampleCount } = parsePromText(text, (s) => samples.push(s));
  expect(sampleCount).toBe(samples.length);
  return { samples, families };
}

/** What a line says, read with plain string operations (no parser code involved). */
function splitLine(line: string): { name: string; labelText: string; tokens: string[] } {
  const brace = line.indexOf('{');
  const space = line.indexOf(' ');
  if (brace !== -1 && brace < space) {
    const close = line.lastIndexOf('}');
    return { name: line.slice(0, brace), labelText: line.slice(brace + 1, close), tokens: line.slice(close + 1).trim().split(/\s+/) };
  }
  return { name: line.slice(0, space), labelText: '', tokens: line.slice(space + 1).trim().split(/\s+/) };
}

function sampleLines(text: string): string[] {
  return text.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
}

describe('parsePromText on the kubelet captures', () => {
  it.each(captures)('finds every family and sample of %s', (file) => {
    const text = readFixture(file);
    const { samples, families } = parseAll(text);
    const typeLines = text.split('\n').filter((l) => l.startsWith('# TYPE '));
    expect(families.map((f) => f.name)).toEqual(typeLines.map((l) => l.split(' ')[2]));
    expect(families.map((f) => f.type)).toEqual(typeLines.map((l) => l.split(' ')[3]));
    expect(samples.length).toBe(sampleLines(text).length);
  });

  it('agrees with the fixture README on family and sample counts', () => {
    const count = (file: string) => {
      const text = readFixture(file);
      return [text.split('\n').filter((l) => l.startsWith('# TYPE ')).length, sampleLines(text).length];
    };
    expect(count(captures[0])).toEqual([67, 2760]);
    expect(count(captures[1])).toEqual([52, 3218]);
    expect(parseAll(readFixture(captures[0])).families).toHaveLength(67);
    expect(parseAll(readFixture(captures[1])).samples).toHaveLength(3218);
  });

  it.each(captures)('reads every name, value and timestamp of %s as the line says', (file) => {
    const text = readFixture(file);
    const { samples } = parseAll(text);
    sampleLines(text).forEach((line, i) => {
      const { name, tokens } = splitLine(line);
      const sample = samples[i]!;
      expect(sample.name).toBe(name);
      expect(sample.family.name).toBe(name);
      expect(sample.value).toBe(Number(tokens[0]));
      expect(sample.timestampMs).toBe(tokens[1] === undefined ? undefined : Number(tokens[1]));
    });
  });

  it.each(captures)('reads every label of %s, unescaping backslashes', (file) => {
    const text = readFixture(file);
    const { samples } = parseAll(text);
    sampleLines(text).forEach((line, i) => {
      const expected: Record<string, string> = {};
      for (const m of splitLine(line).labelText.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
        expected[m[1]!] = m[2]!.replaceAll('\\\\', '\\');
      }
      expect({ ...samples[i]!.labels }).toEqual(expected);
    });
  });

  it('unescapes the systemd unit names of the pre-1.16 capture to a single backslash', () => {
    const { samples } = parseAll(readFixture(captures[1]));
    const ids = new Set(samples.map((s) => s.labels['id']));
    expect(ids.has('/system.slice/system-serial\\x2dgetty.slice')).toBe(true);
  });

  it('keeps the [ALPHA] stability tag in the help text of the resource capture', () => {
    const { families } = parseAll(readFixture(captures[2]));
    const cpu = families.find((f) => f.name === 'node_cpu_usage_seconds_total');
    expect(cpu).toEqual({ name: 'node_cpu_usage_seconds_total', type: 'counter', help: '[ALPHA] Cumulative cpu time consumed by the node in core-seconds' });
  });
});

describe('parsePromText on hand-written lines', () => {
  it('reads NaN and signed infinities as numbers', () => {
    const { samples } = parseAll('a NaN\nb +Inf\nc -Inf\nd Inf\ne 1.5e-3\nf -0.25\ng .5\n');
    expect(samples.map((s) => s.value)).toEqual([NaN, Infinity, -Infinity, Infinity, 0.0015, -0.25, 0.5]);
  });

  it('unescapes quotes, backslashes and newlines in label values and keeps unknown escapes', () => {
    const { samples } = parseAll('m{a="x\\"y",b="c:\\\\dir",c="one\\ntwo",d="\\t"} 1\n');
    expect({ ...samples[0]!.labels }).toEqual({ a: 'x"y', b: 'c:\\dir', c: 'one\ntwo', d: '\\t' });
  });

  it('accepts blanks between tokens, a trailing comma, empty lines and plain comments', () => {
    const text = '# just a comment\n\n  m {a = "1" , b="2",} \t 3   42  \n';
    const { samples } = parseAll(text);
    expect(samples).toHaveLength(1);
    expect({ ...samples[0]!.labels }).toEqual({ a: '1', b: '2' });
    expect(samples[0]!.value).toBe(3);
    expect(samples[0]!.timestampMs).toBe(42);
  });

  it('groups histogram and summary series under their family', () => {
    const text = [
      '# TYPE h histogram',
      'h_bucket{le="1"} 1',
      'h_bucket{le="+Inf"} 2',
      'h_sum 3',
      'h_count 2',
      '# TYPE s summary',
      's{quantile="0.5"} 1',
      's_sum 4',
      's_count 5',
      's_bucket 6',
      '',
    ].join('\n');
    const { samples, families } = parseAll(text);
    expect(samples.map((s) => s.family.name)).toEqual(['h', 'h', 'h', 'h', 's', 's', 's', 's_bucket']);
    expect(families.map((f) => [f.name, f.type])).toEqual([['h', 'histogram'], ['s', 'summary'], ['s_bucket', 'untyped']]);
  });

  it('reads HELP escapes, HELP without text, and samples of untyped or interleaved families', () => {
    const text = '# HELP a line\\none \\\\ two\n# HELP b\n# TYPE a gauge\na 1\nb 2\na 3\n';
    const { samples, families } = parseAll(text);
    expect(families).toEqual([
      { name: 'a', type: 'gauge', help: 'line\none \\ two' },
      { name: 'b', type: 'untyped', help: '' },
    ]);
    expect(samples.map((s) => s.family.name)).toEqual(['a', 'b', 'a']);
  });

  it('gives unlabeled samples an empty label set that callers cannot modify', () => {
    const { samples } = parseAll('a 1\n');
    expect(Object.keys(samples[0]!.labels)).toEqual([]);
    expect(Object.isFrozen(samples[0]!.labels)).toBe(true);
  });

  it('keeps a label named like an object prototype member', () => {
    const { samples } = parseAll('a{__proto__="x",constructor="y"} 1\nb{z="1"} 1\n');
    expect(samples[0]!.labels['__proto__']).toBe('x');
    expect(samples[0]!.labels['constructor']).toBe('y');
    expect(samples[1]!.labels['constructor']).toBeUndefined();
  });

  it('accepts an empty body', () => {
    expect(parsePromText('', () => {})).toEqual({ families: [], sampleCount: 0 });
  });
});

describe('parsePromText rejects what is not text format 0.0.4', () => {
  it.each([
    ['a body without its final line feed', 'a 1\nb 2', 'syntax', 2],
    ['a line cut inside a label value', 'a{b="c\n', 'syntax', 1],
    ['a label set without closing brace', 'a{b="c" 1\n', 'syntax', 1],
    ['a label set cut after a comma', 'a{b="c",\n', 'syntax', 1],
    ['a sample without value', 'a{b="c"}\n', 'syntax', 1],
    ['a name followed by junk', 'a-b 1\n', 'syntax', 1],
    ['a label name that starts with a digit', 'a{1b="c"} 1\n', 'syntax', 1],
    ['a label without quotes', 'a{b=c} 1\n', 'syntax', 1],
    ['a label given twice', 'a{b="1",b="2"} 1\n', 'syntax', 1],
    ['a value that is a word', 'a abc\n', 'invalid_value', 1],
    ['a hexadecimal value', 'a 0x10\n', 'invalid_value', 1],
    ['a value with an empty exponent', 'a 1e\n', 'invalid_value', 1],
    ['a signed NaN', 'a -NaN\n', 'invalid_value', 1],
    ['a fractional timestamp', 'a 1 1.5\n', 'invalid_timestamp', 1],
    ['a timestamp beyond 2^53', 'a 1 99999999999999999999\n', 'invalid_timestamp', 1],
    ['text after the timestamp', 'a 1 2 3\n', 'syntax', 1],
    ['a carriage return line ending', 'a 1\r\n', 'invalid_value', 1],
    ['an unknown metric type', '# TYPE a gaugey\n', 'invalid_metadata', 1],
    ['a TYPE line without name', '# TYPE\n', 'invalid_metadata', 1],
    ['a TYPE line with extra text', '# TYPE a gauge extra\n', 'invalid_metadata', 1],
    ['a HELP name with a brace', '# HELP a{b} text\n', 'invalid_metadata', 1],
    ['binary garbage', '\u0000\u0001\u00ff\ufffd{}}}\n', 'syntax', 1],
    ['an error on a later line', 'a 1\nb 2\nc{ 3\n', 'syntax', 3],
  ] as const)('rejects %s', (_case, text, code, line) => {
    let thrown: unknown;
    try {
      parsePromText(text, () => {});
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(PromTextError);
    expect((thrown as PromTextError).code).toBe(code);
    expect((thrown as PromTextError).line).toBe(line);
    expect((thrown as PromTextError).message).toMatch(new RegExp(`^line ${line}, column \\d+: `));
  });

  it('names the column of the offending character', () => {
    expect(() => parsePromText('metric{a="1"} abc\n', () => {})).toThrow(
      expect.objectContaining({ code: 'invalid_value', line: 1, column: 15 }),
    );
  });

  it('hands out the samples before the offending line, and none after it', () => {
    const names: string[] = [];
    expect(() => parsePromText('a 1\nb x\nc 3\n', (s) => names.push(s.name))).toThrow(PromTextError);
    expect(names).toEqual(['a']);
  });

  it('stays linear on a long line of unterminated label values', () => {
    const hostile = `a{${'b="'.repeat(1)}${'\\"'.repeat(200_000)}\n`;
    const started = performance.now();
    expect(() => parsePromText(hostile, () => {})).toThrow(PromTextError);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
