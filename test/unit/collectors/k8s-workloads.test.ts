import { expect } from 'chai';
import {
  buildWorkloads,
  effectiveSecurityContext,
  parseImage,
  serviceAccountIndex,
  type WorkloadInputs,
} from '../../../src/collectors/kubernetes/workloads.js';

type Obj = Record<string, unknown>;

function inputs(objects: Obj[]): WorkloadInputs {
  const out = {
    Deployment: [],
    StatefulSet: [],
    DaemonSet: [],
    CronJob: [],
    Job: [],
    ReplicaSet: [],
    ReplicationController: [],
    DeploymentConfig: [],
    Pod: [],
  } as WorkloadInputs;
  for (const o of objects) (out[o.kind as keyof WorkloadInputs] as Obj[]).push(o);
  return out;
}

const owner = (kind: string, name: string, uid: string) => [
  { apiVersion: 'v1', kind, name, uid, controller: true },
];
const podSpec = (extra: Obj = {}) => ({ containers: [{ name: 'app', image: 'nginx:1.27' }], ...extra });

function deploymentChain(ns = 'shop'): Obj[] {
  return [
    {
      kind: 'Deployment',
      metadata: { name: 'web', namespace: ns, uid: 'd1' },
      spec: { replicas: 3, template: { metadata: { labels: { app: 'web' } }, spec: podSpec() } },
    },
    {
      kind: 'ReplicaSet',
      metadata: {
        name: 'web-1',
        namespace: ns,
        uid: 'rs1',
        ownerReferences: owner('Deployment', 'web', 'd1'),
      },
      spec: { template: { spec: podSpec() } },
    },
    {
      kind: 'ReplicaSet',
      metadata: {
        name: 'web-0',
        namespace: ns,
        uid: 'rs0',
        ownerReferences: owner('Deployment', 'web', 'd1'),
      },
      spec: { replicas: 0, template: { spec: podSpec() } },
    },
    ...['a', 'b', 'c'].map((s) => ({
      kind: 'Pod',
      metadata: {
        name: `web-1-${s}`,
        namespace: ns,
        uid: `p${s}`,
        ownerReferences: owner('ReplicaSet', 'web-1', 'rs1'),
      },
      spec: podSpec(),
      status: { phase: 'Running' },
    })),
  ];
}

describe('k8s workloads', () => {
  describe('ownership', () => {
    it('reports one Deployment for its ReplicaSets and pods, and counts the pods', () => {
      const { workloads, pods } = buildWorkloads(inputs(deploymentChain()), {
        live: true,
        serviceAccounts: null,
      });
      expect(workloads.map((w) => `${w.kind}/${w.name}`)).to.deep.equal(['Deployment/web']);
      expect(workloads[0]?.pods).to.equal(3);
      expect(workloads[0]?.replicas).to.equal(3);
      expect(pods.map((p) => (p.workload as Obj).name)).to.deep.equal(['web', 'web', 'web']);
    });

    it('attributes Job pods to their CronJob', () => {
      const objects: Obj[] = [
        {
          kind: 'CronJob',
          metadata: { name: 'tick', namespace: 'ops', uid: 'cj' },
          spec: { jobTemplate: { spec: { template: { spec: podSpec({ hostIPC: true }) } } } },
        },
        {
          kind: 'Job',
          metadata: {
            name: 'tick-1',
            namespace: 'ops',
            uid: 'j1',
            ownerReferences: owner('CronJob', 'tick', 'cj'),
          },
          spec: { template: { spec: podSpec() } },
        },
        {
          kind: 'Pod',
          metadata: { name: 'tick-1-x', namespace: 'ops', ownerReferences: owner('Job', 'tick-1', 'j1') },
          spec: podSpec(),
        },
      ];
      const { workloads, pods } = buildWorkloads(inputs(objects), { live: true, serviceAccounts: null });
      expect(workloads).to.have.length(1);
      expect(workloads[0]).to.include({
        kind: 'CronJob',
        name: 'tick',
        hostIPC: true,
        pods: 1,
        replicas: null,
      });
      expect(pods[0]?.workload).to.deep.equal({ kind: 'CronJob', namespace: 'ops', name: 'tick' });
    });

    it('treats bare pods, orphaned ReplicaSets and pods of unknown controllers as workloads', () => {
      const objects: Obj[] = [
        { kind: 'Pod', metadata: { name: 'bare', namespace: 'a' }, spec: podSpec() },
        {
          kind: 'ReplicaSet',
          metadata: { name: 'orphan', namespace: 'a', uid: 'rsx' },
          spec: { template: { spec: podSpec() } },
        },
        {
          kind: 'ReplicaSet',
          metadata: {
            name: 'rollout-rs',
            namespace: 'a',
            uid: 'rsr',
            ownerReferences: owner('Rollout', 'canary', 'ro1'),
          },
          spec: { template: { spec: podSpec() } },
        },
        {
          kind: 'Pod',
          metadata: { name: 'op-pod', namespace: 'a', ownerReferences: owner('Database', 'pg', 'crd1') },
          spec: podSpec(),
        },
      ];
      const { workloads } = buildWorkloads(inputs(objects), { live: true, serviceAccounts: null });
      expect(workloads.map((w) => `${w.kind}/${w.name}`)).to.deep.equal([
        'ReplicaSet/orphan',
        'ReplicaSet/rollout-rs',
        'Pod/bare',
        'Pod/op-pod',
      ]);
      expect(workloads.find((w) => w.name === 'rollout-rs')?.owner).to.deep.equal({
        kind: 'Rollout',
        name: 'canary',
      });
      expect(workloads.find((w) => w.name === 'op-pod')?.owner).to.deep.equal({
        kind: 'Database',
        name: 'pg',
      });
    });

    it('does not attach an object to a recreated owner with another uid', () => {
      const objects: Obj[] = [
        {
          kind: 'Deployment',
          metadata: { name: 'web', namespace: 'a', uid: 'new' },
          spec: { template: { spec: podSpec() } },
        },
        {
          kind: 'ReplicaSet',
          metadata: {
            name: 'web-1',
            namespace: 'a',
            uid: 'rs',
            ownerReferences: owner('Deployment', 'web', 'old'),
          },
          spec: { template: { spec: podSpec() } },
        },
      ];
      const { workloads } = buildWorkloads(inputs(objects), { live: true, serviceAccounts: null });
      expect(workloads.map((w) => w.kind)).to.deep.equal(['Deployment', 'ReplicaSet']);
    });

    it('matches owners by name in manifests without uids', () => {
      const objects: Obj[] = [
        {
          kind: 'Deployment',
          metadata: { name: 'web', namespace: 'a' },
          spec: { template: { spec: podSpec() } },
        },
        {
          kind: 'ReplicaSet',
          metadata: {
            name: 'web-1',
            namespace: 'a',
            ownerReferences: [{ kind: 'Deployment', name: 'web', controller: true }],
          },
          spec: { template: { spec: podSpec() } },
        },
      ];
      const { workloads } = buildWorkloads(inputs(objects), { live: false, serviceAccounts: null });
      expect(workloads.map((w) => w.kind)).to.deep.equal(['Deployment']);
      expect(workloads[0]?.pods).to.equal(null);
    });

    it('reports mirror pods of static pods with their node', () => {
      const { workloads, pods } = buildWorkloads(
        inputs([
          {
            kind: 'Pod',
            metadata: {
              name: 'etcd-cp-1',
              namespace: 'kube-system',
              labels: { component: 'etcd' },
              annotations: { 'kubernetes.io/config.mirror': 'abc' },
              ownerReferences: owner('Node', 'cp-1', 'n1'),
            },
            spec: podSpec({ hostNetwork: true }),
          },
        ]),
        { live: true, serviceAccounts: null },
      );
      expect(workloads[0]).to.include({
        kind: 'Pod',
        mirror: true,
        hostNetwork: true,
        systemNamespace: true,
      });
      expect(workloads[0]?.owner).to.deep.equal({ kind: 'Node', name: 'cp-1' });
      expect(pods[0]).to.include({ mirror: true, staticComponent: 'etcd' });
    });
  });

  describe('service account token automount', () => {
    const pod = (spec: Obj, ns = 'a') => ({
      kind: 'Pod',
      metadata: { name: 'p', namespace: ns },
      spec: podSpec(spec),
    });
    const sas = serviceAccountIndex([
      { metadata: { name: 'default', namespace: 'a' } },
      { metadata: { name: 'quiet', namespace: 'a' }, automountServiceAccountToken: false },
      { metadata: { name: 'loud', namespace: 'a' }, automountServiceAccountToken: true },
    ]);
    const one = (spec: Obj, serviceAccounts = sas) =>
      buildWorkloads(inputs([pod(spec)]), { live: true, serviceAccounts }).workloads[0] as Obj;

    it('defaults to true when neither the pod nor the service account says otherwise', () => {
      expect(one({})).to.include({
        serviceAccountName: 'default',
        automountServiceAccountToken: true,
        automountSource: 'default',
      });
      expect(one({}).serviceAccount).to.deep.equal({ found: true, automountServiceAccountToken: null });
    });

    it("takes the service account's setting when the pod has none", () => {
      expect(one({ serviceAccountName: 'quiet' })).to.include({
        automountServiceAccountToken: false,
        automountSource: 'serviceaccount',
      });
    });

    it("lets the pod's own setting win over the service account's", () => {
      expect(one({ serviceAccountName: 'quiet', automountServiceAccountToken: true })).to.include({
        automountServiceAccountToken: true,
        automountSource: 'pod',
      });
      expect(one({ serviceAccountName: 'loud', automountServiceAccountToken: false })).to.include({
        automountServiceAccountToken: false,
        automountSource: 'pod',
      });
    });

    it('uses the deprecated serviceAccount field and marks unknown accounts', () => {
      const w = one({ serviceAccount: 'ghost' });
      expect(w.serviceAccountName).to.equal('ghost');
      expect(w.serviceAccount).to.deep.equal({ found: false, automountServiceAccountToken: null });
    });

    it('says found: null when service accounts could not be read', () => {
      expect(one({ serviceAccountName: 'quiet' }, null as never).serviceAccount).to.deep.equal({
        found: null,
        automountServiceAccountToken: null,
      });
    });
  });

  describe('security context', () => {
    it('inherits unset pod-level fields into each container as Kubernetes does', () => {
      const { securityContext, inherited } = effectiveSecurityContext(
        {
          runAsUser: 1000,
          runAsNonRoot: true,
          seccompProfile: { type: 'RuntimeDefault' },
          seLinuxOptions: { type: 'container_t' },
          fsGroup: 2000,
          sysctls: [{ name: 'net.ipv4.ip_local_port_range', value: '1024 65535' }],
        },
        { runAsUser: 0, seLinuxOptions: { level: 's0:c1' }, privileged: false },
        {},
        'app',
      );
      expect(securityContext).to.deep.equal({
        runAsUser: 0,
        runAsNonRoot: true,
        seccompProfile: { type: 'RuntimeDefault' },
        seLinuxOptions: { level: 's0:c1' },
        privileged: false,
      });
      expect(inherited).to.deep.equal(['runAsNonRoot', 'seccompProfile']);
    });

    it('merges windowsOptions field by field', () => {
      const { securityContext } = effectiveSecurityContext(
        { windowsOptions: { hostProcess: true, runAsUserName: 'NT AUTHORITY\\SYSTEM' } },
        { windowsOptions: { runAsUserName: 'ContainerUser' } },
        {},
        'app',
      );
      expect(securityContext.windowsOptions).to.deep.equal({
        hostProcess: true,
        runAsUserName: 'ContainerUser',
      });
    });

    it('maps the AppArmor annotation when no field is set', () => {
      const ann = {
        'container.apparmor.security.beta.kubernetes.io/a': 'unconfined',
        'container.apparmor.security.beta.kubernetes.io/b': 'localhost/k8s-nginx',
      };
      expect(effectiveSecurityContext({}, {}, ann, 'a').securityContext.appArmorProfile).to.deep.equal({
        type: 'Unconfined',
      });
      expect(effectiveSecurityContext({}, {}, ann, 'b').securityContext.appArmorProfile).to.deep.equal({
        type: 'Localhost',
        localhostProfile: 'k8s-nginx',
      });
      expect(
        effectiveSecurityContext({ appArmorProfile: { type: 'RuntimeDefault' } }, {}, ann, 'a')
          .securityContext.appArmorProfile,
      ).to.deep.equal({ type: 'RuntimeDefault' });
    });

    it('lists init, regular and ephemeral containers with their effective context', () => {
      const { workloads } = buildWorkloads(
        inputs([
          {
            kind: 'Pod',
            metadata: { name: 'p', namespace: 'a' },
            spec: {
              securityContext: { runAsNonRoot: true },
              initContainers: [{ name: 'init', image: 'busybox', securityContext: { runAsUser: 0 } }],
              containers: [{ name: 'app', image: 'app:1' }],
              ephemeralContainers: [{ name: 'dbg', image: 'busybox', securityContext: { privileged: true } }],
            },
          },
        ]),
        { live: true, serviceAccounts: null },
      );
      const containers = workloads[0]?.containers as Obj[];
      expect(containers.map((c) => [c.name, c.type])).to.deep.equal([
        ['init', 'initContainer'],
        ['app', 'container'],
        ['dbg', 'ephemeralContainer'],
      ]);
      expect(containers.map((c) => c.securityContext)).to.deep.equal([
        { runAsUser: 0, runAsNonRoot: true },
        { runAsNonRoot: true },
        { privileged: true, runAsNonRoot: true },
      ]);
      expect(containers[0]?.declaredSecurityContext).to.deep.equal({ runAsUser: 0 });
    });
  });

  it('redacts env values, probe header values and last-applied-configuration, keeping references', () => {
    const { workloads } = buildWorkloads(
      inputs([
        {
          kind: 'Deployment',
          metadata: {
            name: 'web',
            namespace: 'a',
            annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"planted":"secret-1"}' },
          },
          spec: {
            template: {
              metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': 'secret-2' } },
              spec: {
                containers: [
                  {
                    name: 'app',
                    image: 'app',
                    env: [
                      { name: 'PLAIN', value: 'secret-3' },
                      { name: 'REF', valueFrom: { secretKeyRef: { name: 'db', key: 'pw' } } },
                    ],
                    envFrom: [{ secretRef: { name: 'keys' } }],
                    livenessProbe: {
                      httpGet: { path: '/', port: 80, httpHeaders: [{ name: 'X-Token', value: 'secret-4' }] },
                    },
                  },
                ],
              },
            },
          },
        },
      ]),
      { live: false, serviceAccounts: null },
    );
    const text = JSON.stringify(workloads);
    for (const planted of ['secret-1', 'secret-2', 'secret-3', 'secret-4'])
      expect(text).not.to.include(planted);
    const c = (workloads[0]?.containers as Obj[])[0] as Obj;
    expect(c.env).to.deep.equal([
      { name: 'PLAIN', value: '<redacted>', valueFrom: null },
      { name: 'REF', value: null, valueFrom: { secretKeyRef: { name: 'db', key: 'pw' } } },
    ]);
    expect(c.envFrom).to.deep.equal([{ secretRef: { name: 'keys' } }]);
    expect(text).to.include('X-Token');
  });

  it('types volumes and lists host paths', () => {
    const { workloads } = buildWorkloads(
      inputs([
        {
          kind: 'Pod',
          metadata: { name: 'p', namespace: 'a' },
          spec: podSpec({
            volumes: [
              { name: 'sock', hostPath: { path: '/var/run/docker.sock' } },
              { name: 'cfg', configMap: { name: 'c' } },
              { name: 'tmp', emptyDir: {} },
              { name: 'odd', somethingNew: {} },
            ],
          }),
        },
      ]),
      { live: true, serviceAccounts: null },
    );
    expect((workloads[0]?.volumes as Obj[]).map((v) => v.type)).to.deep.equal([
      'hostPath',
      'configMap',
      'emptyDir',
      'somethingNew',
    ]);
    expect(workloads[0]?.hostPaths).to.deep.equal(['/var/run/docker.sock']);
  });

  it('parses image references', () => {
    expect(parseImage('nginx')).to.deep.equal({
      registry: 'docker.io',
      repository: 'library/nginx',
      tag: null,
      digest: null,
    });
    expect(parseImage('bitnami/redis:7.2')).to.deep.equal({
      registry: 'docker.io',
      repository: 'bitnami/redis',
      tag: '7.2',
      digest: null,
    });
    expect(parseImage('localhost:5000/app@sha256:abc')).to.deep.equal({
      registry: 'localhost:5000',
      repository: 'app',
      tag: null,
      digest: 'sha256:abc',
    });
    expect(parseImage('registry.k8s.io/kube-apiserver:v1.32.4')).to.include({
      registry: 'registry.k8s.io',
      repository: 'kube-apiserver',
      tag: 'v1.32.4',
    });
  });
});
