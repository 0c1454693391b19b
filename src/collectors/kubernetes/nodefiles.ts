/** `k8s.nodefiles`: mode and owner of every node file the CIS Kubernetes benchmark names. */
import path from 'node:path';
import { readAccounts } from '../host/hostfs.js';
import { statFile, type FileFact } from '../host/files.js';
import { MANIFEST_DIRS, UNIT_DIRS, listFilesRecursive, type NodeInfo } from './node.js';
import { getPath } from './flags.js';
import { obj, str, type Obj } from './util.js';

interface Planned {
  role: string;
  path: string;
  searched?: string[];
}

const flagsOf = (entries: Obj[], component: string): Record<string, string> => {
  const e = entries.find((x) => x.component === component && x.source === 'node');
  return (obj(e?.flags) as Record<string, string>) ?? {};
};

const abs = (p: string) => path.posix.resolve('/', p);

async function firstExisting(node: NodeInfo, candidates: string[]): Promise<string | undefined> {
  for (const c of candidates) {
    try {
      await node.hostFs.lstat(c);
      return c;
    } catch {
      // next
    }
  }
  return undefined;
}

/** The files to stat, from the node's component entries (k8s.controlplane) and the kubeadm layout. */
export async function plannedNodeFiles(node: NodeInfo, controlPlane: Obj[]): Promise<Planned[]> {
  const planned: Planned[] = [];
  const staticDirs = [...new Set([node.staticPodPath, ...MANIFEST_DIRS])];
  for (const [role, name] of [
    ['apiserver-manifest', 'kube-apiserver'],
    ['controller-manager-manifest', 'kube-controller-manager'],
    ['scheduler-manifest', 'kube-scheduler'],
    ['etcd-manifest', 'etcd'],
  ] as const) {
    const candidates = staticDirs.flatMap((d) =>
      ['yaml', 'yml', 'manifest'].map((ext) => `${d}/${name}.${ext}`),
    );
    const found = await firstExisting(node, candidates);
    planned.push(
      found ? { role, path: found } : { role, path: candidates[0] as string, searched: candidates },
    );
  }
  planned.push({ role: 'manifests-dir', path: node.staticPodPath });
  planned.push({ role: 'admin.conf', path: '/etc/kubernetes/admin.conf' });
  planned.push({ role: 'super-admin.conf', path: '/etc/kubernetes/super-admin.conf' });
  const scheduler = flagsOf(controlPlane, 'scheduler');
  planned.push({
    role: 'scheduler.conf',
    path: abs(scheduler.kubeconfig ?? '/etc/kubernetes/scheduler.conf'),
  });
  const cm = flagsOf(controlPlane, 'controllerManager');
  planned.push({
    role: 'controller-manager.conf',
    path: abs(cm.kubeconfig ?? '/etc/kubernetes/controller-manager.conf'),
  });
  const kubeletEntry = controlPlane.find((x) => x.component === 'kubelet' && x.source === 'node');
  const kubelet = (obj(kubeletEntry?.flags) as Record<string, string>) ?? {};
  planned.push({ role: 'kubelet.conf', path: abs(kubelet.kubeconfig ?? '/etc/kubernetes/kubelet.conf') });
  planned.push({ role: 'kubelet-config', path: abs(kubelet.config ?? '/var/lib/kubelet/config.yaml') });
  if (kubelet['config-dir']) {
    const dir = abs(kubelet['config-dir']);
    for (const name of await node.hostFs.list(dir).catch(() => [] as string[]))
      planned.push({ role: 'kubelet-config-dropin', path: `${dir}/${name}` });
  }
  const unitCandidates = UNIT_DIRS.map((d) => `${d}/kubelet.service`);
  const unit = await firstExisting(node, unitCandidates);
  planned.push(
    unit
      ? { role: 'kubelet-service', path: unit }
      : { role: 'kubelet-service', path: unitCandidates[0] as string, searched: unitCandidates },
  );
  for (const dir of UNIT_DIRS) {
    for (const name of await node.hostFs.list(`${dir}/kubelet.service.d`).catch(() => [] as string[]))
      planned.push({ role: 'kubelet-service', path: `${dir}/kubelet.service.d/${name}` });
  }
  const clientCa = str(getPath(kubeletEntry?.effective, 'authentication.x509.clientCAFile'));
  planned.push({ role: 'kubelet-client-ca', path: abs(clientCa ?? '/etc/kubernetes/pki/ca.crt') });
  const proxy = controlPlane.find((x) => x.component === 'proxy' && x.source === 'node');
  if (proxy) {
    const pf = obj(proxy.flags) as Record<string, string>;
    const kubeconfig = pf.kubeconfig ?? str(getPath(proxy.config, 'clientConnection.kubeconfig'));
    if (kubeconfig) planned.push({ role: 'proxy-kubeconfig', path: abs(kubeconfig) });
    if (pf.config) planned.push({ role: 'proxy-config', path: abs(pf.config) });
  }
  const etcd = controlPlane.find((x) => x.component === 'etcd' && x.source === 'node');
  const dataDir = str(obj(etcd?.effective)['data-dir']);
  planned.push({
    role: 'etcd-data-dir',
    path: dataDir && !dataDir.includes('${') ? abs(dataDir) : '/var/lib/etcd',
  });
  planned.push({ role: 'pki-dir', path: '/etc/kubernetes/pki' });
  for (const file of await listFilesRecursive(node.hostFs, '/etc/kubernetes/pki')) {
    let isDir = false;
    try {
      isDir = (await node.hostFs.lstat(file)).isDirectory();
    } catch {
      // reported by statFile
    }
    const role = isDir
      ? 'pki-dir'
      : file.endsWith('.crt')
        ? 'pki-cert'
        : file.endsWith('.key')
          ? 'pki-key'
          : 'pki-file';
    planned.push({ role, path: file });
  }
  const api = flagsOf(controlPlane, 'apiserver');
  if (api['encryption-provider-config'])
    planned.push({ role: 'encryption-config', path: abs(api['encryption-provider-config']) });
  if (api['audit-policy-file']) planned.push({ role: 'audit-policy', path: abs(api['audit-policy-file']) });
  if (api['admission-control-config-file'])
    planned.push({ role: 'admission-config', path: abs(api['admission-control-config-file']) });
  for (const name of await node.hostFs.list('/etc/cni/net.d').catch(() => [] as string[]))
    planned.push({ role: 'cni-config', path: `/etc/cni/net.d/${name}` });
  for (const file of await listFilesRecursive(node.hostFs, '/var/lib/cni/networks'))
    planned.push({ role: 'cni-networks', path: file });
  return planned;
}

export async function collectNodeFiles(node: NodeInfo, controlPlane: Obj[]): Promise<FileFact[]> {
  const accounts = await readAccounts(node.hostFs);
  const planned = await plannedNodeFiles(node, controlPlane);
  const out: FileFact[] = [];
  for (const p of planned) {
    const fact = await statFile(node.hostFs, accounts, p.role, p.path);
    if (p.searched && !fact.exists) fact.searched = p.searched;
    out.push(fact);
  }
  return out;
}
