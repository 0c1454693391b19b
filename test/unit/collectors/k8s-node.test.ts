import { expect } from 'chai';
import { collectK8sTarget } from '../../../src/collectors/k8s-target.js';
import { NO_API_REASON } from '../../../src/collectors/kubernetes/index.js';
import { kubeletFromUnit, readNode } from '../../../src/collectors/kubernetes/node.js';
import { HostFs } from '../../../src/collectors/host/hostfs.js';
import { canChown, makeHostRoot, type FixtureEntry, type HostRootFixture } from '../../support/hostroot.js';

type Obj = Record<string, unknown>;

const argv = (...words: string[]) => words.join('\0') + '\0';

const KUBEADM_DROPIN = `# Note: This dropin only works with kubeadm and kubelet v1.11+
[Service]
Environment="KUBELET_KUBECONFIG_ARGS=--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf"
Environment="KUBELET_CONFIG_ARGS=--config=/var/lib/kubelet/config.yaml"
# This is a file that "kubeadm init" and "kubeadm join" generates at runtime
EnvironmentFile=-/var/lib/kubelet/kubeadm-flags.env
EnvironmentFile=-/etc/default/kubelet
ExecStart=
ExecStart=/usr/bin/kubelet $KUBELET_KUBECONFIG_ARGS $KUBELET_CONFIG_ARGS $KUBELET_KUBEADM_ARGS $KUBELET_EXTRA_ARGS
`;

const KUBELET_CONFIG = `apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
authentication:
  anonymous:
    enabled: false
  webhook:
    enabled: true
  x509:
    clientCAFile: /etc/kubernetes/pki/ca.crt
authorization:
  mode: Webhook
cgroupDriver: systemd
staticPodPath: /etc/kubernetes/manifests
rotateCertificates: true
`;

const staticPod = (name: string, command: string[]) =>
  `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: kube-system
  labels: {component: ${name}, tier: control-plane}
spec:
  hostNetwork: true
  containers:
  - name: ${name}
    image: registry.k8s.io/${name}:v1.32.4
    command:
${command.map((c) => `    - ${c}`).join('\n')}
`;

const APISERVER = [
  'kube-apiserver',
  '--advertise-address=10.0.0.10',
  '--authorization-mode=Node,RBAC',
  '--enable-admission-plugins=NodeRestriction',
  '--encryption-provider-config=/etc/kubernetes/enc/encryption.yaml',
  '--admission-control-config-file=/etc/kubernetes/admission.yaml',
  '--audit-policy-file=/etc/kubernetes/audit-policy.yaml',
  '--audit-log-path=/var/log/kubernetes/audit.log',
  '--profiling=false',
];

function kubeadmNode(): Record<string, FixtureEntry> {
  const f = (content: string, mode: number, uid = 0, gid = 0): FixtureEntry => ({ content, mode, uid, gid });
  return {
    '/etc/passwd': f(
      'root:x:0:0:root:/root:/bin/bash\netcd:x:999:999::/var/lib/etcd:/usr/sbin/nologin\n',
      0o644,
    ),
    '/etc/group': f('root:x:0:\netcd:x:999:\n', 0o644),
    '/etc/hostname': f('cp-1\n', 0o644),
    '/proc/1/cmdline': f(argv('/sbin/init', 'splash'), 0o444),
    '/proc/101/cmdline': f(
      argv(
        '/usr/bin/kubelet',
        '--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf',
        '--kubeconfig=/etc/kubernetes/kubelet.conf',
        '--config=/var/lib/kubelet/config.yaml',
        '--container-runtime-endpoint=unix:///var/run/containerd/containerd.sock',
        '--read-only-port',
        '10255',
      ),
      0o444,
    ),
    '/proc/202/cmdline': f(argv(...APISERVER), 0o444),
    '/proc/303/cmdline': f(
      argv(
        'etcd',
        '--data-dir=/var/lib/etcd',
        '--cert-file=/etc/kubernetes/pki/etcd/server.crt',
        '--client-cert-auth=true',
      ),
      0o444,
    ),
    '/proc/303/environ': f('PATH=/usr/bin\0ETCD_PEER_CLIENT_CERT_AUTH=true\0SECRET=nope\0', 0o400),
    '/proc/404/cmdline': f(
      argv(
        '/usr/local/bin/kube-proxy',
        '--config=/var/lib/kube-proxy/config.conf',
        '--hostname-override=cp-1',
      ),
      0o444,
    ),
    '/etc/kubernetes/manifests': { dir: true, mode: 0o700 },
    '/etc/kubernetes/manifests/kube-apiserver.yaml': f(staticPod('kube-apiserver', APISERVER), 0o600),
    '/etc/kubernetes/manifests/kube-controller-manager.yaml': f(
      staticPod('kube-controller-manager', [
        'kube-controller-manager',
        '--kubeconfig=/etc/kubernetes/controller-manager.conf',
        '--bind-address=127.0.0.1',
        '--use-service-account-credentials=true',
      ]),
      0o644,
    ),
    '/etc/kubernetes/manifests/kube-scheduler.yaml': f(
      staticPod('kube-scheduler', [
        'kube-scheduler',
        '--kubeconfig=/etc/kubernetes/scheduler.conf',
        '--profiling=false',
      ]),
      0o600,
    ),
    '/etc/kubernetes/manifests/etcd.yaml': f(staticPod('etcd', ['etcd', '--data-dir=/var/lib/etcd']), 0o600),
    '/etc/kubernetes/admin.conf': f('apiVersion: v1\nkind: Config\n', 0o600),
    '/etc/kubernetes/super-admin.conf': f('apiVersion: v1\nkind: Config\n', 0o644),
    '/etc/kubernetes/scheduler.conf': f('apiVersion: v1\nkind: Config\n', 0o600),
    '/etc/kubernetes/controller-manager.conf': f('apiVersion: v1\nkind: Config\n', 0o600),
    '/etc/kubernetes/kubelet.conf': f('apiVersion: v1\nkind: Config\n', 0o600),
    '/etc/kubernetes/pki': { dir: true, mode: 0o755 },
    '/etc/kubernetes/pki/ca.crt': f('CERT', 0o644),
    '/etc/kubernetes/pki/ca.key': f('KEY', 0o600),
    '/etc/kubernetes/pki/apiserver.key': f('KEY', 0o644),
    '/etc/kubernetes/pki/sa.pub': f('PUB', 0o644),
    '/etc/kubernetes/pki/etcd': { dir: true, mode: 0o755 },
    '/etc/kubernetes/pki/etcd/ca.crt': f('CERT', 0o644),
    '/etc/kubernetes/enc/encryption.yaml': f(
      `apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
  - resources: [secrets]
    providers:
      - aescbc:
          keys:
            - name: key1
              secret: cGxhbnRlZC1lbmNyeXB0aW9uLWtleQ==
      - identity: {}
`,
      0o600,
    ),
    '/etc/kubernetes/admission.yaml': f(
      `apiVersion: apiserver.config.k8s.io/v1
kind: AdmissionConfiguration
plugins:
- name: PodSecurity
  configuration:
    apiVersion: pod-security.admission.config.k8s.io/v1
    kind: PodSecurityConfiguration
    defaults: {enforce: baseline, enforce-version: latest, warn: restricted}
    exemptions: {namespaces: [kube-system]}
`,
      0o600,
    ),
    '/etc/kubernetes/audit-policy.yaml': f(
      'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n- level: RequestResponse\n  resources: [{group: ""}]\n',
      0o600,
    ),
    '/var/lib/kubelet/config.yaml': f(KUBELET_CONFIG, 0o644),
    '/var/lib/kubelet/kubeadm-flags.env': f(
      'KUBELET_KUBEADM_ARGS="--container-runtime-endpoint=unix:///var/run/containerd/containerd.sock --pod-infra-container-image=registry.k8s.io/pause:3.10"\n',
      0o644,
    ),
    '/lib/systemd/system/kubelet.service': f('[Service]\nExecStart=/usr/bin/kubelet\n', 0o644),
    '/etc/systemd/system/kubelet.service.d/10-kubeadm.conf': f(KUBEADM_DROPIN, 0o644),
    '/var/lib/etcd': { dir: true, mode: 0o700, uid: 999, gid: 999 },
    '/etc/cni/net.d/10-calico.conflist': f('{"name":"k8s-pod-network"}', 0o644),
    '/var/lib/cni/networks/k8s-pod-network/10.244.0.5': f('abc', 0o644),
  };
}

describe('k8s node facts (kubeadm node root)', () => {
  let fx: HostRootFixture;
  let target: Awaited<ReturnType<typeof collectK8sTarget>>;
  before(async () => {
    fx = await makeHostRoot(kubeadmNode());
    target = await collectK8sTarget({ nodeRoot: fx.root, env: {} });
  });
  after(() => fx.remove());

  const cp = () => target.facts['k8s.controlplane'] as Obj[];
  const files = () => target.facts['k8s.nodefiles'] as Obj[];
  const file = (role: string, path?: string) =>
    files().find((f) => f.role === role && (path === undefined || f.path === path)) as Obj;

  it('is a node-only target named after the node; API facts fail with the reason', () => {
    expect(target.id).to.equal('node:cp-1');
    expect(target.meta).to.include({ mode: 'node', nodeRoot: fx.root });
    expect(target.errors['k8s.workloads']).to.equal(NO_API_REASON);
    expect(target.errors['k8s.controlplane']).to.equal(undefined);
    expect(target.errors['k8s.nodefiles']).to.equal(undefined);
    expect(target.platform).to.equal('kubeadm');
  });

  it('reads control-plane flags from processes, else static pod manifests', () => {
    const api = cp().find((e) => e.component === 'apiserver') as Obj;
    expect(api).to.include({ source: 'node', origin: 'process 202', node: 'cp-1' });
    expect((api.lists as Obj)['authorization-mode']).to.deep.equal(['Node', 'RBAC']);
    const cm = cp().find((e) => e.component === 'controllerManager') as Obj;
    expect(cm).to.include({
      source: 'node',
      origin: '/etc/kubernetes/manifests/kube-controller-manager.yaml',
    });
    expect((cm.effective as Obj)['use-service-account-credentials']).to.equal('true');
    const etcd = cp().find((e) => e.component === 'etcd') as Obj;
    expect(etcd.env).to.deep.equal({ ETCD_PEER_CLIENT_CERT_AUTH: 'true' });
    expect((etcd.effective as Obj)['peer-client-cert-auth']).to.equal('true');
    expect((etcd.sources as Obj)['peer-client-cert-auth']).to.equal('env');
  });

  it('merges the kubelet config file and flags (flags win), with config-file defaults', () => {
    const kubelet = cp().find((e) => e.component === 'kubelet') as Obj;
    expect(kubelet).to.include({ source: 'node', origin: 'process 101', defaultsFrom: 'config' });
    expect(kubelet.configFile).to.deep.equal({ path: '/var/lib/kubelet/config.yaml', exists: true });
    expect(kubelet.effective).to.nested.include({
      readOnlyPort: 10255,
      'authentication.anonymous.enabled': false,
      'authorization.mode': 'Webhook',
      rotateCertificates: true,
      makeIPTablesUtilChains: true,
      'authentication.x509.clientCAFile': '/etc/kubernetes/pki/ca.crt',
    });
    expect(kubelet.sources).to.include({
      readOnlyPort: 'flag',
      rotateCertificates: 'config',
      makeIPTablesUtilChains: 'default',
    });
  });

  it('reads apiserver admission, encryption and audit configuration without key material', () => {
    const api = cp().find((e) => e.component === 'apiserver') as Obj;
    expect(api.admissionConfig).to.deep.include({
      path: '/etc/kubernetes/admission.yaml',
      plugins: ['PodSecurity'],
      podSecurity: {
        defaults: { enforce: 'baseline', 'enforce-version': 'latest', warn: 'restricted' },
        exemptions: { namespaces: ['kube-system'] },
      },
    });
    expect(api.encryptionConfig).to.deep.include({
      resources: [{ resources: ['secrets'], providers: ['aescbc', 'identity'] }],
    });
    expect(api.auditPolicy).to.deep.include({ rules: 2, levels: ['Metadata', 'RequestResponse'] });
    expect(JSON.stringify(target)).not.to.include('cGxhbnRlZC1lbmNyeXB0aW9uLWtleQ==');
    expect(JSON.stringify(target)).not.to.include('SECRET=nope');
  });

  it('kube-proxy: flags from the process; its config path is inside the container', () => {
    const proxy = cp().find((e) => e.component === 'proxy') as Obj;
    expect(proxy).to.include({ source: 'node', origin: 'process 404' });
    expect((proxy.configFile as Obj).exists).to.equal(false);
    expect((proxy.effective as Obj)['metrics-bind-address']).to.equal('127.0.0.1:10249');
  });

  it('reports mode and owner of every file the benchmark names', () => {
    expect(file('apiserver-manifest')).to.include({
      path: '/etc/kubernetes/manifests/kube-apiserver.yaml',
      mode: '0600',
      exists: true,
    });
    expect(file('controller-manager-manifest')).to.include({ mode: '0644' });
    expect(file('manifests-dir')).to.include({
      path: '/etc/kubernetes/manifests',
      type: 'directory',
      mode: '0700',
    });
    expect(file('super-admin.conf')).to.include({ mode: '0644' });
    expect(file('scheduler.conf')).to.include({ path: '/etc/kubernetes/scheduler.conf', mode: '0600' });
    expect(file('controller-manager.conf')).to.include({ path: '/etc/kubernetes/controller-manager.conf' });
    expect(file('kubelet.conf')).to.include({ path: '/etc/kubernetes/kubelet.conf', mode: '0600' });
    expect(file('kubelet-config')).to.include({ path: '/var/lib/kubelet/config.yaml', mode: '0644' });
    expect(file('kubelet-service', '/lib/systemd/system/kubelet.service')).to.include({ exists: true });
    expect(file('kubelet-service', '/etc/systemd/system/kubelet.service.d/10-kubeadm.conf')).to.include({
      mode: '0644',
    });
    expect(file('kubelet-client-ca')).to.include({ path: '/etc/kubernetes/pki/ca.crt', mode: '0644' });
    expect(file('etcd-data-dir')).to.include({ path: '/var/lib/etcd', mode: '0700', type: 'directory' });
    expect(file('pki-key', '/etc/kubernetes/pki/apiserver.key')).to.include({ mode: '0644' });
    expect(file('pki-cert', '/etc/kubernetes/pki/etcd/ca.crt')).to.include({ exists: true });
    expect(file('pki-dir', '/etc/kubernetes/pki/etcd')).to.include({ type: 'directory' });
    expect(file('pki-file', '/etc/kubernetes/pki/sa.pub')).to.include({ exists: true });
    expect(file('encryption-config')).to.include({
      path: '/etc/kubernetes/enc/encryption.yaml',
      mode: '0600',
    });
    expect(file('audit-policy')).to.include({ exists: true });
    expect(file('admission-config')).to.include({ exists: true });
    expect(file('cni-config')).to.include({ path: '/etc/cni/net.d/10-calico.conflist' });
    expect(file('cni-networks', '/var/lib/cni/networks/k8s-pod-network/10.244.0.5')).to.include({
      exists: true,
    });
    expect(file('proxy-config')).to.include({ path: '/var/lib/kube-proxy/config.conf', exists: false });
    if (canChown) {
      expect(file('etcd-data-dir')).to.include({ owner: 'etcd:etcd' });
      expect(file('admin.conf')).to.include({ owner: 'root:root' });
    }
  });

  it('falls back to the systemd unit for the kubelet command line when no process is visible', async () => {
    const entries = kubeadmNode();
    delete entries['/proc/101/cmdline'];
    const fx2 = await makeHostRoot(entries);
    try {
      const unit = await kubeletFromUnit(new HostFs(fx2.root));
      expect(unit?.argv).to.deep.equal([
        '/usr/bin/kubelet',
        '--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf',
        '--kubeconfig=/etc/kubernetes/kubelet.conf',
        '--config=/var/lib/kubelet/config.yaml',
        '--container-runtime-endpoint=unix:///var/run/containerd/containerd.sock',
        '--pod-infra-container-image=registry.k8s.io/pause:3.10',
      ]);
      const node = await readNode(fx2.root);
      expect(node.kubeletArgs?.origin).to.match(/^systemd unit /);
      const t = await collectK8sTarget({ nodeRoot: fx2.root, env: {} });
      const kubelet = (t.facts['k8s.controlplane'] as Obj[]).find((e) => e.component === 'kubelet') as Obj;
      expect(kubelet.effective).to.nested.include({ readOnlyPort: 0 });
    } finally {
      await fx2.remove();
    }
  });

  it('reports a worker node: control-plane components unavailable, manifests missing', async () => {
    const entries = kubeadmNode();
    for (const k of Object.keys(entries))
      if (
        k.startsWith('/etc/kubernetes/manifests/') ||
        k.startsWith('/proc/202') ||
        k.startsWith('/proc/303')
      )
        delete entries[k];
    const fx3 = await makeHostRoot(entries);
    try {
      const t = await collectK8sTarget({ nodeRoot: fx3.root, env: {} });
      const api = (t.facts['k8s.controlplane'] as Obj[]).find((e) => e.component === 'apiserver') as Obj;
      expect(api).to.include({ source: 'unavailable' });
      expect(String(api.error)).to.match(/run on a control-plane node/);
      const manifest = (t.facts['k8s.nodefiles'] as Obj[]).find(
        (f) => f.role === 'apiserver-manifest',
      ) as Obj;
      expect(manifest.exists).to.equal(false);
      expect(manifest.searched).to.include('/etc/kubernetes/manifests/kube-apiserver.yaml');
    } finally {
      await fx3.remove();
    }
  });
});
