import { expect } from 'chai';
import { buildControlPlane, componentOfPod } from '../../../src/collectors/kubernetes/controlplane.js';
import { detectCni, detectPlatform } from '../../../src/collectors/kubernetes/platform.js';
import type { Control, FactTarget, JsonValue } from '../../../src/core/types.js';
import { evaluateControl } from '../../../src/evaluator/evaluate.js';

type Obj = Record<string, unknown>;

const node = (
  name: string,
  labels: Record<string, string> = {},
  providerID?: string,
  kubeletVersion = 'v1.32.4',
): Obj => ({
  metadata: { name, labels },
  spec: providerID ? { providerID } : {},
  status: { nodeInfo: { kubeletVersion } },
});

describe('k8s platform detection', () => {
  const cases: [string, Parameters<typeof detectPlatform>[0], string][] = [
    ['EKS from gitVersion', { mode: 'live', gitVersion: 'v1.32.5-eks-5d4a308' }, 'eks'],
    [
      'EKS from node labels and providerID',
      {
        mode: 'live',
        gitVersion: 'v1.32.5',
        nodes: [node('ip-1', { 'eks.amazonaws.com/nodegroup': 'ng' }, 'aws:///eu-west-1a/i-1')],
      },
      'eks',
    ],
    ['GKE from gitVersion', { mode: 'live', gitVersion: 'v1.31.6-gke.1020000' }, 'gke'],
    [
      'GKE from node pool label',
      {
        mode: 'live',
        gitVersion: 'v1.31.6',
        nodes: [node('gke-1', { 'cloud.google.com/gke-nodepool': 'default-pool' }, 'gce://p/z/i')],
      },
      'gke',
    ],
    [
      'AKS from node labels (its gitVersion is plain)',
      {
        mode: 'live',
        gitVersion: 'v1.30.7',
        nodes: [node('aks-1', { 'kubernetes.azure.com/cluster': 'MC_rg' }, 'azure:///subscriptions/x/vm/0')],
      },
      'aks',
    ],
    ['k3s from gitVersion', { mode: 'live', gitVersion: 'v1.31.4+k3s1' }, 'k3s'],
    ['RKE2 from gitVersion', { mode: 'live', gitVersion: 'v1.31.4+rke2r1' }, 'rke2'],
    ['k3s from a node root', { mode: 'node', nodePaths: new Set(['/var/lib/rancher/k3s']) }, 'k3s'],
    [
      'OpenShift from its API group',
      { mode: 'live', gitVersion: 'v1.29.8+f10c92d', apiGroups: new Set(['apps.openshift.io/v1']) },
      'openshift',
    ],
    [
      'kubeadm from mirror pod annotations',
      {
        mode: 'live',
        gitVersion: 'v1.32.4',
        pods: [
          {
            metadata: {
              name: 'kube-apiserver-cp',
              namespace: 'kube-system',
              annotations: {
                'kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint': '10.0.0.1:6443',
              },
            },
          },
        ],
      },
      'kubeadm',
    ],
    [
      'kubeadm from a node root',
      { mode: 'node', nodePaths: new Set(['/etc/kubernetes/manifests/kube-apiserver.yaml']) },
      'kubeadm',
    ],
    [
      'a bare aws:// providerID is not enough for EKS',
      { mode: 'live', gitVersion: 'v1.32.4', nodes: [node('n', {}, 'aws:///z/i')] },
      'unknown',
    ],
    [
      'EKS from the kubelet version (node-only scan)',
      { mode: 'live', nodes: [node('n', {}, undefined, 'v1.32.3-eks-473151a')] },
      'eks',
    ],
    ['unknown without evidence', { mode: 'live', gitVersion: 'v1.32.4' }, 'unknown'],
  ];
  for (const [title, inputs, expected] of cases) {
    it(title, () => {
      const got = detectPlatform(inputs);
      expect(got.name).to.equal(expected);
      if (expected !== 'unknown') expect(got.evidence.length).to.be.greaterThan(0);
    });
  }

  it('prefers kubeadm evidence over a bare aws:// providerID (kops/kubeadm on EC2)', () => {
    const got = detectPlatform({
      mode: 'live',
      gitVersion: 'v1.32.4',
      nodes: [node('n', {}, 'aws:///z/i')],
      pods: [
        {
          metadata: {
            name: 'kube-apiserver-n',
            namespace: 'kube-system',
            annotations: { 'kubeadm.kubernetes.io/x': 'y' },
          },
        },
      ],
    });
    expect(got.name).to.equal('kubeadm');
  });

  it('detects the CNI and whether it enforces NetworkPolicies', () => {
    const ds = (name: string, image: string): Obj => ({
      metadata: { name, namespace: 'kube-system' },
      spec: { template: { spec: { containers: [{ name, image }] } } },
    });
    expect(detectCni([ds('kube-flannel-ds', 'docker.io/flannel/flannel:v0.26.1')])).to.include({
      name: 'flannel',
      supportsNetworkPolicy: false,
    });
    expect(detectCni([ds('cilium', 'quay.io/cilium/cilium:v1.16.5')])).to.include({
      name: 'cilium',
      supportsNetworkPolicy: true,
    });
    const canal = detectCni([
      ds('canal', 'docker.io/calico/node:v3.29.1'),
      ds('flannel', 'flannel/flannel:v0.26'),
    ]);
    expect(canal.supportsNetworkPolicy).to.equal(true);
    expect(detectCni([])).to.include({ name: 'unknown', supportsNetworkPolicy: null });
    expect(detectCni(undefined).evidence).to.deep.equal(['DaemonSets could not be read']);
  });
});

describe('k8s control plane from the API', () => {
  const mirror = (component: string, command: string[], nodeName = 'cp-1'): Obj => ({
    metadata: {
      name: `${component}-${nodeName}`,
      namespace: 'kube-system',
      labels: { component, tier: 'control-plane' },
      annotations: { 'kubernetes.io/config.mirror': 'h' },
    },
    spec: { nodeName, containers: [{ name: component, command }] },
  });

  it('recognises components by label, command and name', () => {
    expect(componentOfPod(mirror('kube-scheduler', ['kube-scheduler']))).to.equal('scheduler');
    expect(
      componentOfPod({
        metadata: { name: 'x' },
        spec: { containers: [{ command: ['/usr/local/bin/etcd'] }] },
      }),
    ).to.equal('etcd');
    expect(
      componentOfPod({ metadata: { name: 'kube-apiserver-a' }, spec: { containers: [{ command: ['sh'] }] } }),
    ).to.equal('apiserver');
  });

  it('reads one entry per mirror pod (HA) with parsed flags and defaults', async () => {
    const entries = await buildControlPlane({
      mode: 'live',
      pods: [
        mirror(
          'kube-apiserver',
          ['kube-apiserver', '--authorization-mode=Node,RBAC', '--profiling=false'],
          'cp-1',
        ),
        mirror('kube-apiserver', ['kube-apiserver', '--authorization-mode=AlwaysAllow'], 'cp-2'),
        {
          ...mirror('kube-apiserver', ['kube-apiserver']),
          metadata: { name: 'not-mirror', namespace: 'kube-system', labels: { component: 'kube-apiserver' } },
        },
      ],
      platform: { name: 'kubeadm', managedControlPlane: false },
    });
    const api = entries.filter((e) => e.component === 'apiserver');
    expect(api.map((e) => [e.id, e.source, e.node])).to.deep.equal([
      ['apiserver@cp-1', 'mirror-pod', 'cp-1'],
      ['apiserver@cp-2', 'mirror-pod', 'cp-2'],
    ]);
    expect((api[0]?.lists as Obj)['authorization-mode']).to.deep.equal(['Node', 'RBAC']);
    expect((api[1]?.effective as Obj)['anonymous-auth']).to.equal('true');
    const cm = entries.find((e) => e.component === 'controllerManager');
    expect(cm).to.include({ source: 'unavailable' });
    expect(String(cm?.error)).to.match(
      /no kube-controller-manager process, static pod manifest or mirror pod found/,
    );
    expect(entries.find((e) => e.component === 'kubelet')?.error).to.match(/--node-root/);
  });

  const managedTarget = async (): Promise<FactTarget> => ({
    id: 'k8s:x',
    kind: 'kubernetes',
    name: 'eks',
    facts: {
      'k8s.platform': { name: 'eks', managedControlPlane: true } as JsonValue,
      'k8s.controlplane': (await buildControlPlane({
        mode: 'live',
        pods: [],
        daemonSets: [],
        platform: { name: 'eks', managedControlPlane: true },
      })) as JsonValue,
    },
    errors: {},
  });

  const control = (applies: boolean): Control => ({
    id: '1.2.15',
    title: 'API server profiling is off',
    assessment: 'automated',
    level: 1,
    scored: true,
    severity: 'medium',
    facts: ['k8s.controlplane'],
    given: '*',
    where: { field: 'component', op: 'eq', value: 'apiserver' },
    resource: { kind: 'component', id: 'id', name: 'name' },
    ...(applies
      ? {
          applies: {
            fact: 'k8s.platform',
            when: { field: 'managedControlPlane', op: 'eq', value: false },
            reason: 'the control plane is managed by the provider',
          },
        }
      : {}),
    test: { field: 'effective.profiling', op: 'eq', value: 'false' },
    rationale: 'r',
    remediation: 'r',
    audit: 'a',
  });

  it('marks a managed control plane unavailable with the reason, so controls are never a pass', async () => {
    const target = await managedTarget();
    const api = (target.facts['k8s.controlplane'] as Obj[]).find((e) => e.component === 'apiserver');
    expect(api).to.include({
      source: 'unavailable',
      error: 'control plane is managed by EKS and not visible to the cluster user',
    });
    const bench = { id: 'cis-k8s', version: '1.12', sections: [] };
    expect(evaluateControl(control(true), bench, target).status).to.equal('not_applicable');
    const without = evaluateControl(control(false), bench, target);
    expect(without.status).to.equal('error');
    expect(without.reason).to.match(/managed by EKS/);
  });
});
