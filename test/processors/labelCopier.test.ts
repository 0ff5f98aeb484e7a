import { describe, expect, it } from 'vitest';
import { ProcessorError } from '../../src/processors/errors.js';
import { createLabelCopier } from '../../src/processors/labelCopier.js';
import { fixturePod } from '../helpers/listers.js';

describe('label copier', () => {
  it('joins labels as sorted key:value items with a comma by default', () => {
    const output: Record<string, string> = {};
    createLabelCopier().copy({ zeta: '1', alpha: 'a', 'k8s-app': 'kube-dns' }, output);
    expect(output).toEqual({ labels: 'alpha:a,k8s-app:kube-dns,zeta:1' });
  });

  it('sorts the fixture coredns pod labels bytewise and joins them with the configured separator', () => {
    const labels = fixturePod('kube-system', 'coredns-787d4945fb-m5cbw').metadata!.labels!;
    const output: Record<string, string> = {};
    createLabelCopier({ separator: ';' }).copy(labels, output);
    const expected = Object.entries(labels)
      .map(([k, v]) => `${k}:${v}`)
      .sort()
      .join(';');
    expect(output.labels).toBe(expected);
    expect(output.labels).toBe('k8s-app:kube-dns;pod-template-hash:787d4945fb');
  });

  it('sorts by byte order, so upper case comes before lower case', () => {
    const output: Record<string, string> = {};
    createLabelCopier().copy({ b: '1', B: '2', a: '3' }, output);
    expect(output.labels).toBe('B:2,a:3,b:1');
  });

  it('leaves ignored labels out of the joined value', () => {
    const output: Record<string, string> = {};
    createLabelCopier({ ignoreLabels: ['pod-template-hash'] }).copy({ app: 'web', 'pod-template-hash': 'abc' }, output);
    expect(output.labels).toBe('app:web');
  });

  it('stores a label under its own name and under a new name given as newName=name', () => {
    const output: Record<string, string> = { type: 'pod' };
    createLabelCopier({ storeLabels: ['app', 'tier_label=tier'] }).copy({ app: 'web', tier: 'front', other: 'x' }, output);
    expect(output).toEqual({ type: 'pod', app: 'web', tier_label: 'front', labels: 'app:web,other:x,tier:front' });
  });

  it('stores an ignored label even though it is left out of the joined value', () => {
    const output: Record<string, string> = {};
    createLabelCopier({ ignoreLabels: ['secret'], storeLabels: ['secret'] }).copy({ secret: 's', app: 'a' }, output);
    expect(output).toEqual({ secret: 's', labels: 'app:a' });
  });

  it('writes the labels label after the stored ones, so a stored label named labels is overwritten', () => {
    const output: Record<string, string> = {};
    createLabelCopier({ storeLabels: ['labels=app'] }).copy({ app: 'web' }, output);
    expect(output.labels).toBe('app:web');
  });

  it('writes an empty labels label when the object has no labels', () => {
    const output: Record<string, string> = { labels: 'stale' };
    createLabelCopier().copy(undefined, output);
    expect(output.labels).toBe('');
  });

  it('rejects a store label with an empty side, naming the option and the value', () => {
    for (const bad of ['=app', 'new=', '']) {
      let caught: unknown;
      try {
        createLabelCopier({ storeLabels: [bad] });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(ProcessorError);
      expect((caught as ProcessorError).code).toBe('invalid_option');
      expect((caught as ProcessorError).message).toContain(`storeLabels`);
      expect((caught as ProcessorError).message).toContain(JSON.stringify(bad));
    }
  });
});
