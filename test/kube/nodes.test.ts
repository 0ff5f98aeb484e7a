import type { V1Node, V1NodeAddress } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { NodeError } from '../../src/kube/errors.js';
import { isNodeReady, nodeAddress, nodeTargets } from '../../src/kube/nodes.js';
import { readFixtureJson } from '../helpers/fixtures.js';

const captured: V1Node = readFixtureJson<{ items: V1Node[] }>('kube-api/nodelist-k8s1.26-minikube-nri.json').items[0]!;
const nodeName = captured.metadata!.name!;

function withAddresses(addresses: V1NodeAddress[]): V1Node {
  return { ...captured, status: { ...captured.status, addresses } };
}
function withSpec(spec: V1Node['spec'], annotations: Record<string, string> = {}): V1Node {
  return { ...captured, spec: { ...captured.spec, ...spec }, metadata: { ...captured.metadata, annotations: { ...captured.metadata?.annotations, ...annotations } } };
}
function withReady(status: string | undefined): V1Node {
  const others = (captured.status?.conditions ?? []).filter((condition) => condition.type !== 'Ready');
  const conditions = status === undefined ? others : [...others, { type: 'Ready', status }];
  return { ...captured, status: { ...captured.status, conditions } };
}
const internal = (address: string): V1NodeAddress => ({ type: 'InternalIP', address });
const external = (address: string): V1NodeAddress => ({ type: 'ExternalIP', address });
const host = (address: string): V1NodeAddress => ({ type: 'Hostname', address });

describe('nodeAddress', () => {
  it('reads the captured minikube node: its InternalIP, Hostname, the configured port and no host id', () => {
    const addresses = captured.status!.addresses!;
    const expectedIp = addresses.find((a) => a.type === 'InternalIP')!.address;
    const expectedHostname = addresses.find((a) => a.type === 'Hostname')!.address;
    expect(nodeAddress(captured, { kubeletPort: 10255 })).toEqual({
      ok: true,
      address: { nodeName, hostname: expectedHostname, ip: expectedIp, port: 10255, hostId: '', schedulable: true },
    });
  });

  it.each<[string, V1NodeAddress[], { ip: string; hostname: string }]>([
    ['the last valid InternalIP wins', [internal('10.0.0.1'), internal('10.0.0.2')], { ip: '10.0.0.2', hostname: nodeName }],
    ['an InternalIP that does not parse is skipped', [internal('10.0.0.1'), internal('not-an-ip')], { ip: '10.0.0.1', hostname: nodeName }],
    ['the first ExternalIP is used without an InternalIP', [external('203.0.113.1'), external('203.0.113.2')], { ip: '203.0.113.1', hostname: nodeName }],
    ['a later InternalIP overrides an ExternalIP', [external('203.0.113.1'), internal('10.0.0.3')], { ip: '10.0.0.3', hostname: nodeName }],
    ['an earlier InternalIP beats a later ExternalIP', [internal('10.0.0.3'), external('203.0.113.1')], { ip: '10.0.0.3', hostname: nodeName }],
    ['an IPv6 InternalIP is valid', [internal('fd00::10')], { ip: 'fd00::10', hostname: nodeName }],
    ['the last Hostname address names the host', [host('a.example'), internal('10.0.0.1'), host('b.example')], { ip: '10.0.0.1', hostname: 'b.example' }],
    ['an empty Hostname address is ignored', [host('a.example'), host(''), internal('10.0.0.1')], { ip: '10.0.0.1', hostname: 'a.example' }],
  ])('%s', (_name, addresses, expected) => {
    const result = nodeAddress(withAddresses(addresses), { kubeletPort: 10255 });
    expect(result.ok && { ip: result.address.ip, hostname: result.address.hostname }).toEqual(expected);
  });

  it.each<[string, V1NodeAddress[], string]>([
    ['no addresses at all', [], `node ${nodeName} has no valid hostname and/or IP address: ${nodeName} `],
    ['only a Hostname', [host('h.example')], `node ${nodeName} has no valid hostname and/or IP address: h.example `],
    // Heapster's quirk: the first ExternalIP is taken unchecked, so a valid second one is never reached.
    ['a first ExternalIP that does not parse', [external('bogus'), external('203.0.113.9')], `node ${nodeName} has no valid hostname and/or IP address: ${nodeName} bogus`],
    ['an IPv6 address with a zone', [internal('fe80::1%eth0')], `node ${nodeName} has no valid hostname and/or IP address: ${nodeName} `],
  ])('returns a no_address error for %s', (_name, addresses, message) => {
    const result = nodeAddress(withAddresses(addresses), { kubeletPort: 10255 });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toBeInstanceOf(NodeError);
    expect(result.error).toMatchObject({ code: 'no_address', nodeName, message });
  });

  it("takes the node's advertised kubelet port with kubeletPort=node", () => {
    const advertised = captured.status!.daemonEndpoints!.kubeletEndpoint!.Port;
    const result = nodeAddress(captured, { kubeletPort: 'node' });
    expect(result.ok && result.address.port).toBe(advertised);
  });

  it('returns a no_kubelet_port error when kubeletPort=node and the node advertises none', () => {
    const node: V1Node = { ...captured, status: { ...captured.status, daemonEndpoints: {} } };
    const result = nodeAddress(node, { kubeletPort: 'node' });
    expect(result.ok ? undefined : result.error).toMatchObject({
      code: 'no_kubelet_port',
      message: `node ${nodeName} advertises no kubelet port (status.daemonEndpoints.kubeletEndpoint.Port = 0) and kubeletPort=node`,
    });
  });

  it.each<[string, V1Node, string | undefined, string]>([
    ['spec.externalID is the host id', withSpec({ externalID: 'i-0abc' }), undefined, 'i-0abc'],
    ['the annotation is used when externalID is empty', withSpec({}, { 'example.com/host-id': 'vm-42' }), 'example.com/host-id', 'vm-42'],
    ['externalID wins over the annotation', withSpec({ externalID: 'i-0abc' }, { 'example.com/host-id': 'vm-42' }), 'example.com/host-id', 'i-0abc'],
    ['a missing annotation leaves the host id empty', withSpec({}), 'example.com/host-id', ''],
  ])('host id: %s', (_name, node, hostIdAnnotation, hostId) => {
    const result = nodeAddress(node, { kubeletPort: 10255, ...(hostIdAnnotation === undefined ? {} : { hostIdAnnotation }) });
    expect(result.ok && result.address.hostId).toBe(hostId);
  });

  it('marks an unschedulable node', () => {
    const result = nodeAddress(withSpec({ unschedulable: true }), { kubeletPort: 10255 });
    expect(result.ok && result.address.schedulable).toBe(false);
  });
});

describe('isNodeReady', () => {
  it.each<[string, string | undefined, boolean]>([
    ['Ready=True is ready', 'True', true],
    ['Ready=False is not ready', 'False', false],
    ['Ready=Unknown is not ready', 'Unknown', false],
    ['no Ready condition counts as ready, as in Heapster', undefined, true],
  ])('%s', (_name, status, ready) => {
    expect(isNodeReady(withReady(status))).toBe(ready);
  });

  it('finds the captured node ready', () => {
    expect(isNodeReady(captured)).toBe(true);
  });
});

describe('nodeTargets', () => {
  it('keeps ready nodes with addresses and reports the others with their reasons', () => {
    const rename = (node: V1Node, name: string): V1Node => ({ ...node, metadata: { ...node.metadata, name } });
    const nodes = [rename(captured, 'good'), rename(withReady('False'), 'down'), rename(withAddresses([]), 'bare')];
    const { targets, skipped } = nodeTargets(nodes, { kubeletPort: 10255 });
    expect(targets.map((target) => target.nodeName)).toEqual(['good']);
    expect(skipped.map((error) => [error.nodeName, error.code, error.message])).toEqual([
      ['down', 'not_ready', 'node down is not ready'],
      ['bare', 'no_address', 'node bare has no valid hostname and/or IP address: bare '],
    ]);
  });
});
