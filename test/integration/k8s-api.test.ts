import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { collectK8sTarget } from '../../src/collectors/k8s-target.js';
import { ApiError, connectKubernetes, liveSource } from '../../src/collectors/kubernetes/api.js';
import type { Control, FactTarget } from '../../src/core/types.js';
import { evaluateControl } from '../../src/evaluator/evaluate.js';
import { runCli } from '../support/cli.js';
import { skipOrFail } from '../support/dockerd.js';
import { makeHostRoot, type HostRootFixture } from '../support/hostroot.js';
import {
  loadFixtureCluster,
  opensslAvailable,
  startK8sApiServer,
  type K8sTestServer,
} from '../support/k8s-api-server.js';

type Obj = Record<string, unknown>;
const run = promisify(execFile);

function kubectlPath(): string | undefined {
  for (const p of ['/usr/bin/kubectl', '/usr/local/bin/kubectl']) if (existsSync(p)) return p;
  return undefined;
}

const BENCH = { id: 'cis-k8s', version: '1.12', sections: [] };

function control(over: Partial<Control>): Control {
  return {
    id: 'x',
    title: 't',
    assessment: 'automated',
    level: 1,
    scored: true,
    severity: 'high',
    facts: ['k8s.workloads'],
    rationale: 'r',
    remediation: 'r',
    audit: 'a',
    ...over,
  };
}

describe('@integration kubernetes API collectors (test API server)', function () {
  this.timeout(30_000);
  before(function () {
    if (!opensslAvailable()) skipOrFail(this, 'the openssl CLI is not installed (needed for the test CA)');
  });

  describe('kubeadm cluster', () => {
    let server: K8sTestServer;
    let target: FactTarget;
    before(async () => {
      server = await startK8sApiServer({ cluster: loadFixtureCluster('kubeadm'), maxPage: 2 });
      target = await collectK8sTarget({ kubeconfig: server.writeKubeconfig(), env: {}, concurrency: 4 });
    });
    after(() => server?.close());

    it('names the target by the kube-system namespace uid', () => {
      expect(target.id).to.equal('k8s:6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b');
      expect(target.kind).to.equal('kubernetes');
      expect(target.name).to.equal('kubeadm');
      expect(target.platform).to.equal('kubeadm');
      expect(target.meta).to.include({
        mode: 'live',
        server: server.url,
        context: 'test',
        gitVersion: 'v1.32.4',
      });
    });

    it('collects every API fact; only node files are missing without --node-root', () => {
      expect(target.errors).to.deep.equal({
        'k8s.nodefiles': 'no node access; run on the node with --node-root',
      });
      expect((target.facts['k8s.version'] as Obj).minorNumber).to.equal(32);
      expect(target.facts['k8s.platform']).to.deep.include({
        name: 'kubeadm',
        managedControlPlane: false,
        controlPlaneVisible: true,
      });
    });

    it('made only authorised GET requests, listed each kind once, and paginated', () => {
      expect(server.requests.length).to.be.greaterThan(20);
      expect(server.requests.every((r) => r.method === 'GET')).to.equal(true);
      expect(server.requests.every((r) => r.authorized)).to.equal(true);
      const firstPages = server.requests.filter(
        (r) => r.query.includes('limit=') && !r.query.includes('continue='),
      );
      const paths = firstPages.map((r) => r.path);
      expect(paths.length).to.equal(new Set(paths).size);
      expect(paths).to.include.members([
        '/api/v1/pods',
        '/apis/apps/v1/deployments',
        '/apis/rbac.authorization.k8s.io/v1/roles',
      ]);
      expect(
        server.requests.some((r) => r.path === '/api/v1/pods' && r.query.includes('continue=')),
      ).to.equal(true);
      expect(server.requests.some((r) => r.path.includes('/secrets'))).to.equal(false);
    });

    it('reads control-plane flags from mirror pods and kube-proxy from its DaemonSet and ConfigMap', () => {
      const cp = target.facts['k8s.controlplane'] as Obj[];
      expect(cp.map((e) => [e.component, e.source])).to.deep.equal([
        ['apiserver', 'mirror-pod'],
        ['controllerManager', 'mirror-pod'],
        ['scheduler', 'mirror-pod'],
        ['etcd', 'mirror-pod'],
        ['kubelet', 'unavailable'],
        ['proxy', 'pod'],
      ]);
      const api = cp[0] as Obj;
      expect(api).to.include({ node: 'cp-1', origin: 'pod kube-system/kube-apiserver-cp-1' });
      expect((api.effective as Obj)['profiling']).to.equal('true');
      expect((api.sources as Obj)['profiling']).to.equal('default');
      expect((api.lists as Obj)['enable-admission-plugins']).to.deep.equal(['NodeRestriction']);
      expect((cp[5]?.config as Obj).clusterCIDR).to.equal('10.244.0.0/16');
    });

    it('builds workloads by owner with pod counts and resolves service accounts', () => {
      const workloads = target.facts['k8s.workloads'] as Obj[];
      const web = workloads.find((w) => w.name === 'web') as Obj;
      expect(web).to.include({
        kind: 'Deployment',
        pods: 2,
        automountServiceAccountToken: false,
        automountSource: 'serviceaccount',
      });
      expect(workloads.filter((w) => w.kind === 'ReplicaSet')).to.deep.equal([]);
      const sas = target.facts['k8s.serviceaccounts'] as Obj[];
      expect(sas.find((s) => s.namespace === 'shop' && s.name === 'web')).to.include({
        usedBy: 1,
        boundRoles: 1,
      });
      const ns = (target.facts['k8s.namespaces'] as Obj[]).find((n) => n.name === 'shop') as Obj;
      expect(ns.podSecurity).to.include({ enforce: 'restricted', enforceVersion: 'latest' });
      expect(ns.networkPolicies).to.deep.equal({
        count: 2,
        defaultDenyIngress: true,
        defaultDenyEgress: true,
      });
    });

    it('never copies secret values (env, probe headers, last-applied, Secret data)', () => {
      const text = JSON.stringify(target);
      for (const planted of [
        'planted-env-secret',
        'planted-probe-secret',
        'planted-last-applied-secret',
        'cGxhbnRlZC1zZWNyZXQtZGF0YQ',
      ])
        expect(text).not.to.include(planted);
    });

    it('real kubectl lists the pods with a generated kubeconfig, and is refused without the token', async function () {
      const kubectl = kubectlPath();
      if (!kubectl) skipOrFail(this, 'kubectl is not installed (Debian package kubernetes-client)');
      const ok = await run(kubectl, ['--kubeconfig', server.writeKubeconfig(), 'get', 'pods', '-A'], {
        timeout: 20_000,
      });
      const lines = ok.stdout.trim().split('\n');
      expect(lines[0]).to.match(/^NAMESPACE\s+NAME\s+READY\s+STATUS/);
      expect(lines).to.have.length(11);
      expect(ok.stdout).to.match(/kube-system\s+kube-apiserver-cp-1\s+1\/1\s+Running/);
      expect(ok.stdout).to.match(/shop\s+web-7d9f8c6b5d-x2x4p/);
      const denied = await run(
        kubectl,
        ['--kubeconfig', server.writeKubeconfig({ token: 'wrong' }), 'get', 'pods', '-A'],
        {
          timeout: 20_000,
        },
      ).then(
        () => undefined,
        (err: { stderr?: string }) => err.stderr ?? '',
      );
      expect(denied).to.match(/Unauthorized|must be logged in/i);
      expect(server.requests.some((r) => r.status === 401)).to.equal(true);
    });

    it('`rampart collect k8s` writes the fact set through the CLI', async () => {
      const res = await runCli(
        ['collect', 'k8s', '--kubeconfig', server.writeKubeconfig(), '--namespace', 'shop'],
        {
          env: {},
        },
      );
      expect(res.code, res.stderr).to.equal(0);
      const set = JSON.parse(res.stdout) as { targets: FactTarget[] };
      const t = set.targets[0] as FactTarget;
      expect(t.kind).to.equal('kubernetes');
      expect(t.meta).to.deep.include({ namespaces: ['shop'] });
      expect((t.facts['k8s.workloads'] as Obj[]).map((w) => w.name)).to.deep.equal(['web']);
      expect((t.facts['k8s.namespaces'] as Obj[]).map((n) => n.name)).to.deep.equal(['shop']);
      expect(server.requests.some((r) => r.path === '/api/v1/namespaces/shop/pods')).to.equal(true);
    });
  });

  describe('live API plus a node root (the in-cluster DaemonSet set-up)', () => {
    let server: K8sTestServer;
    let node: HostRootFixture;
    let target: FactTarget;
    before(async () => {
      server = await startK8sApiServer({ cluster: loadFixtureCluster('kubeadm') });
      const nul = (...w: string[]) => ({ content: w.join('\0') + '\0', mode: 0o444 });
      node = await makeHostRoot({
        '/etc/hostname': { content: 'cp-1\n', mode: 0o644 },
        '/proc/101/cmdline': nul(
          '/usr/bin/kubelet',
          '--config=/var/lib/kubelet/config.yaml',
          '--kubeconfig=/etc/kubernetes/kubelet.conf',
        ),
        '/proc/202/cmdline': nul('kube-apiserver', '--profiling=false', '--authorization-mode=Node,RBAC'),
        '/var/lib/kubelet/config.yaml': {
          content: 'kind: KubeletConfiguration\nreadOnlyPort: 10255\n',
          mode: 0o600,
        },
        '/etc/kubernetes/kubelet.conf': { content: 'kind: Config\n', mode: 0o600 },
      });
      target = await collectK8sTarget({ kubeconfig: server.writeKubeconfig(), nodeRoot: node.root, env: {} });
    });
    after(async () => {
      await server?.close();
      await node?.remove();
    });

    it("keeps the cluster identity, reads the kubelet and this node's apiserver from the node, others from the API", () => {
      expect(target.id).to.equal('k8s:6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b');
      expect(target.meta).to.include({ mode: 'live', nodeRoot: node.root });
      expect(target.errors).to.deep.equal({});
      const cp = target.facts['k8s.controlplane'] as Obj[];
      expect(cp.map((e) => [e.component, e.source, e.node])).to.deep.equal([
        ['apiserver', 'node', 'cp-1'],
        ['controllerManager', 'mirror-pod', 'cp-1'],
        ['scheduler', 'mirror-pod', 'cp-1'],
        ['etcd', 'mirror-pod', 'cp-1'],
        ['kubelet', 'node', 'cp-1'],
        ['proxy', 'pod', null],
      ]);
      expect((cp[0]?.effective as Obj).profiling).to.equal('false');
      expect(cp[4]?.effective).to.nested.include({
        readOnlyPort: 10255,
        'authentication.anonymous.enabled': false,
      });
      const files = target.facts['k8s.nodefiles'] as Obj[];
      expect(files.find((f) => f.role === 'kubelet-config')).to.include({ mode: '0600', exists: true });
    });
  });

  describe('EKS-like managed cluster with forbidden kinds', () => {
    let server: K8sTestServer;
    let target: FactTarget;
    before(async () => {
      server = await startK8sApiServer({
        cluster: loadFixtureCluster('eks'),
        forbidden: ['networkpolicies', 'roles'],
      });
      target = await collectK8sTarget({ kubeconfig: server.writeKubeconfig(), env: {} });
    });
    after(() => server?.close());

    it('detects EKS and a managed control plane with its evidence', () => {
      expect(target.facts['k8s.platform']).to.deep.include({
        name: 'eks',
        managedControlPlane: true,
        version: 'v1.32.5-eks-5d4a308',
        controlPlaneVisible: false,
      });
      const p = target.facts['k8s.platform'] as { evidence: string[]; cni: Obj };
      expect(p.evidence[0]).to.match(/-eks-/);
      expect(p.evidence.join(' ')).to.include('aws:///eu-west-1a/i-0a1b2c3d4e5f60718');
      expect(p.cni).to.include({ name: 'aws-vpc-cni', supportsNetworkPolicy: true });
    });

    it('marks the control plane unavailable with the reason; controls with applies are not applicable', () => {
      const cp = target.facts['k8s.controlplane'] as Obj[];
      const api = cp.find((e) => e.component === 'apiserver') as Obj;
      expect(api).to.include({
        source: 'unavailable',
        reason: 'control plane is managed by EKS and not visible to the cluster user',
      });
      const c = control({
        facts: ['k8s.controlplane'],
        given: '*',
        where: { field: 'component', op: 'eq', value: 'apiserver' },
        applies: {
          fact: 'k8s.platform',
          when: { field: 'managedControlPlane', op: 'eq', value: false },
          reason: 'managed',
        },
        test: { field: 'effective.profiling', op: 'eq', value: 'false' },
      });
      expect(evaluateControl(c, BENCH, target).status).to.equal('not_applicable');
      const proxy = cp.find((e) => e.component === 'proxy') as Obj;
      expect(proxy).to.include({ source: 'pod' });
      expect((proxy.flags as Obj).config).to.equal('/var/lib/kube-proxy-config/config');
    });

    it('records 403 per kind: the fact fails with the API message, controls needing it are error', () => {
      expect(target.errors['k8s.networkpolicies']).to.match(
        /^cannot list networkpolicies\.networking\.k8s\.io: HTTP 403: networkpolicies\.networking\.k8s\.io is forbidden/,
      );
      expect(target.errors['k8s.roles']).to.match(/HTTP 403/);
      expect(target.errors['k8s.rbac']).to.match(/cannot list roles/);
      expect(target.errors['k8s.clusterroles']).to.equal(undefined);
      expect(target.errors['k8s.workloads']).to.equal(undefined);
      const ns = (target.facts['k8s.namespaces'] as Obj[]).find((n) => n.name === 'payments') as Obj;
      expect(ns.networkPolicies).to.equal(null);
      const c = control({
        facts: ['k8s.namespaces', 'k8s.networkpolicies'],
        given: '*',
        test: { field: 'networkPolicies.count', op: 'gte', value: 1 },
      });
      const r = evaluateControl(c, BENCH, target);
      expect(r.status).to.equal('error');
      expect(r.reason).to.match(/k8s\.networkpolicies could not be collected: cannot list networkpolicies/);
    });
  });

  describe('vulnerable cluster', () => {
    let server: K8sTestServer;
    let target: FactTarget;
    before(async () => {
      server = await startK8sApiServer({ cluster: loadFixtureCluster('vulnerable') });
      target = await collectK8sTarget({ kubeconfig: server.writeKubeconfig(), env: {} });
    });
    after(() => server?.close());

    it('exposes the risky settings controls look for', () => {
      const workloads = target.facts['k8s.workloads'] as Obj[];
      const by = (name: string) => workloads.find((w) => w.name === name) as Obj;
      expect(workloads.map((w) => `${w.kind}/${w.name}`).sort()).to.deep.equal(
        [
          'CronJob/backup',
          'Deployment/miner',
          'Pod/debug-shell',
          'Pod/kube-apiserver-node-a',
          'Pod/kube-controller-manager-node-a',
          'StatefulSet/db',
          'DaemonSet/kube-flannel-ds',
        ].sort(),
      );
      const miner = by('miner');
      expect(miner).to.include({ hostPID: true, hostNetwork: true, automountServiceAccountToken: true });
      expect(miner.hostPaths).to.deep.equal(['/var/run/docker.sock']);
      const minerC = (miner.containers as Obj[])[0] as Obj;
      expect(minerC.securityContext).to.deep.include({
        privileged: true,
        runAsUser: 0,
        appArmorProfile: { type: 'Unconfined' },
      });
      expect((minerC.ports as Obj[])[0]).to.include({ hostPort: 3333 });
      const debug = (by('debug-shell').containers as Obj[]).map((c) => [
        c.type,
        (c.securityContext as Obj).privileged ?? null,
      ]);
      expect(debug).to.deep.equal([
        ['container', null],
        ['ephemeralContainer', true],
      ]);
      expect(by('backup')).to.include({ hostIPC: true });
      expect(by('db')).to.include({ automountServiceAccountToken: true, automountSource: 'pod' });
    });

    it('finds non-system cluster admins and secret readers', () => {
      const subjects = (target.facts['k8s.rbac'] as { subjects: Obj[] }).subjects;
      expect(subjects.filter((s) => s.clusterAdmin && !s.system).map((s) => s.id)).to.deep.equal([
        'ServiceAccount:default:default',
        'User:alice',
      ]);
      const everyone = subjects.find((s) => s.id === 'Group:system:authenticated') as {
        grants: Record<string, Obj>;
      };
      expect(everyone.grants.secretsRead).to.deep.equal({ cluster: true, namespaces: [] });
      const legacy = subjects.find((s) => s.id === 'ServiceAccount:legacy:default') as {
        grants: Record<string, Obj>;
      };
      expect(legacy.grants.wildcard).to.deep.equal({ cluster: false, namespaces: ['legacy'] });
    });

    it('parses a space-separated apiserver flag value and reports insecure settings', () => {
      const api = (target.facts['k8s.controlplane'] as Obj[]).find((e) => e.component === 'apiserver') as Obj;
      expect((api.lists as Obj)['enable-admission-plugins']).to.deep.equal(['AlwaysAdmit']);
      expect(api.effective).to.include({ 'anonymous-auth': 'true', 'authorization-mode': 'AlwaysAllow' });
      const cm = (target.facts['k8s.controlplane'] as Obj[]).find(
        (e) => e.component === 'controllerManager',
      ) as Obj;
      expect(cm.featureGates).to.deep.equal({ RotateKubeletServerCertificate: false });
      expect(target.facts['k8s.platform']).to.deep.include({
        cni: {
          name: 'flannel',
          supportsNetworkPolicy: false,
          evidence: ['DaemonSet kube-system/kube-flannel-ds'],
        },
      });
      expect(JSON.stringify(target)).not.to.include('planted-bare-pod-secret');
    });
  });

  describe('connection failures', () => {
    let server: K8sTestServer;
    before(async () => {
      server = await startK8sApiServer({ cluster: loadFixtureCluster('eks') });
    });
    after(() => server?.close());

    it('a wrong token is a target failure (exit 3) with the API reason', async () => {
      const res = await runCli(
        ['collect', 'k8s', '--kubeconfig', server.writeKubeconfig({ token: 'nope' })],
        { env: {} },
      );
      expect(res.code).to.equal(3);
      expect(res.stderr).to.match(/refused the request: HTTP 401: Unauthorized/);
    });

    it('an unknown context is a usage error naming the available ones', async () => {
      const res = await runCli(
        ['collect', 'kubernetes', '--kubeconfig', server.writeKubeconfig(), '--context', 'prod'],
        {
          env: {},
        },
      );
      expect(res.code).to.equal(2);
      expect(res.stderr).to.match(/--context prod: no such context/);
      expect(res.stderr).to.match(/available: test/);
    });

    it('the live source reports HTTP errors per kind and never sends anything but GET', async () => {
      const conn = connectKubernetes({ kubeconfig: server.writeKubeconfig(), env: {} });
      const err = await conn.get('/api/v1/nope').then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).to.be.instanceOf(ApiError);
      expect((err as ApiError).statusCode).to.equal(404);
      const source = liveSource(conn, { pageSize: 1 });
      expect((await source.list('Namespace')).map((n) => (n.metadata as Obj).name)).to.deep.equal([
        'kube-system',
        'default',
        'payments',
      ]);
      expect(await source.list('DeploymentConfig')).to.deep.equal([]);
      expect(server.requests.filter((r) => r.path === '/api/v1/namespaces').length).to.equal(3);
      expect(server.requests.every((r) => r.method === 'GET')).to.equal(true);
    });

    it('an unreachable server is a target failure', async () => {
      const file = path.join(os.tmpdir(), `rampart-kubeconfig-${process.pid}-${Date.now()}`);
      server.writeKubeconfig({ file });
      await server.close();
      try {
        const res = await runCli(['collect', 'k8s', '--kubeconfig', file], { env: {} });
        expect(res.code, res.stderr).to.equal(3);
        expect(res.stderr).to.match(
          /cannot reach the Kubernetes API at https:\/\/127\.0\.0\.1:\d+: ECONNREFUSED/,
        );
      } finally {
        rmSync(file, { force: true });
      }
    });
  });
});
