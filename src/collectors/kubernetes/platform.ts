/** `k8s.platform`: which distribution runs the cluster, whether its control plane is managed, and the CNI. */
import { isMirrorPod, parseImage } from './workloads.js';
import { obj, objs, str, strMap, type Obj } from './util.js';

export const PLATFORMS = ['eks', 'gke', 'aks', 'openshift', 'k3s', 'rke2', 'kubeadm', 'unknown'] as const;
export type PlatformName = (typeof PLATFORMS)[number];
export const MANAGED: ReadonlySet<string> = new Set(['eks', 'gke', 'aks']);

export interface PlatformInputs {
  mode: 'live' | 'manifests' | 'node';
  gitVersion?: string;
  nodes?: Obj[];
  /** kube-system pods (for kubeadm mirror pods). */
  pods?: Obj[];
  daemonSets?: Obj[];
  apiGroups?: Set<string>;
  /** Paths that exist under the node root. */
  nodePaths?: Set<string>;
}

export interface Platform {
  name: PlatformName;
  managedControlPlane: boolean;
  mode: string;
  version: string | null;
  minor: number | null;
  evidence: string[];
  controlPlaneVisible: boolean;
  cni: { name: string; supportsNetworkPolicy: boolean | null; evidence: string[] };
}

export function minorOf(gitVersion: string | undefined): number | null {
  const m = /^v?\d+\.(\d+)/.exec(gitVersion ?? '');
  return m ? Number(m[1]) : null;
}

/** Scores each platform from the evidence; the strongest wins (gitVersion > labels > layout > providerID). */
export function detectPlatform(inputs: PlatformInputs): { name: PlatformName; evidence: string[] } {
  const score = new Map<PlatformName, number>();
  const evidence: { name: PlatformName; weight: number; text: string }[] = [];
  const add = (name: PlatformName, weight: number, text: string) => {
    score.set(name, (score.get(name) ?? 0) + weight);
    evidence.push({ name, weight, text });
  };
  const gv = inputs.gitVersion ?? '';
  if (/-eks-/.test(gv)) add('eks', 10, `gitVersion ${gv} contains -eks-`);
  if (/-gke\./.test(gv)) add('gke', 10, `gitVersion ${gv} contains -gke.`);
  if (/\+k3s/.test(gv)) add('k3s', 10, `gitVersion ${gv} contains +k3s`);
  if (/\+rke2/.test(gv)) add('rke2', 10, `gitVersion ${gv} contains +rke2`);
  const seen = new Set<string>();
  const once = (name: PlatformName, weight: number, key: string, text: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    add(name, weight, text);
  };
  for (const node of inputs.nodes ?? []) {
    const nodeName = str(obj(node.metadata).name) ?? '?';
    const labels = strMap(obj(node.metadata).labels);
    const keys = Object.keys(labels);
    if (keys.some((k) => k.startsWith('eks.amazonaws.com/')))
      once('eks', 5, 'eks-label', `node ${nodeName}: eks.amazonaws.com/ labels`);
    if (labels['cloud.google.com/gke-nodepool'] !== undefined)
      once('gke', 5, 'gke-label', `node ${nodeName}: label cloud.google.com/gke-nodepool`);
    if (
      labels['kubernetes.azure.com/cluster'] !== undefined ||
      keys.some((k) => k.startsWith('kubernetes.azure.com/'))
    )
      once('aks', 5, 'aks-label', `node ${nodeName}: kubernetes.azure.com/ labels`);
    if (keys.some((k) => k.startsWith('node.openshift.io/')))
      once('openshift', 5, 'os-label', `node ${nodeName}: node.openshift.io/ labels`);
    if (labels['node.kubernetes.io/instance-type'] === 'k3s')
      once('k3s', 5, 'k3s-label', `node ${nodeName}: instance-type k3s`);
    const provider = str(obj(node.spec).providerID) ?? '';
    if (provider.startsWith('aws://'))
      once('eks', 0.5, 'aws-provider', `node ${nodeName}: providerID ${provider}`);
    if (provider.startsWith('gce://'))
      once('gke', 0.5, 'gce-provider', `node ${nodeName}: providerID ${provider}`);
    if (provider.startsWith('azure://'))
      once('aks', 0.5, 'azure-provider', `node ${nodeName}: providerID ${provider}`);
    if (provider.startsWith('k3s://'))
      once('k3s', 4, 'k3s-provider', `node ${nodeName}: providerID ${provider}`);
    if (provider.startsWith('rke2://'))
      once('rke2', 4, 'rke2-provider', `node ${nodeName}: providerID ${provider}`);
    const kubeletVersion = str(obj(obj(node.status).nodeInfo).kubeletVersion) ?? '';
    if (/\+k3s/.test(kubeletVersion))
      once('k3s', 4, 'k3s-kubelet', `node ${nodeName}: kubelet ${kubeletVersion}`);
    if (/\+rke2/.test(kubeletVersion))
      once('rke2', 4, 'rke2-kubelet', `node ${nodeName}: kubelet ${kubeletVersion}`);
    if (/-eks-/.test(kubeletVersion))
      once('eks', 4, 'eks-kubelet', `node ${nodeName}: kubelet ${kubeletVersion}`);
    if (/-gke\./.test(kubeletVersion))
      once('gke', 4, 'gke-kubelet', `node ${nodeName}: kubelet ${kubeletVersion}`);
  }
  if (inputs.apiGroups?.has('apps.openshift.io/v1') || inputs.apiGroups?.has('config.openshift.io/v1'))
    add('openshift', 6, 'API group apps.openshift.io served');
  for (const pod of inputs.pods ?? []) {
    const m = obj(pod.metadata);
    if (str(m.namespace) !== 'kube-system') continue;
    const annotations = strMap(m.annotations);
    if (Object.keys(annotations).some((k) => k.startsWith('kubeadm.kubernetes.io/'))) {
      once(
        'kubeadm',
        4,
        'kubeadm-annotation',
        `pod kube-system/${str(m.name)}: kubeadm.kubernetes.io/ annotations`,
      );
    } else if (
      strMap(m.labels).component === 'kube-apiserver' &&
      (inputs.mode !== 'live' || isMirrorPod(pod))
    ) {
      once('kubeadm', 2, 'static-apiserver', `static pod kube-system/${str(m.name)} runs kube-apiserver`);
    }
  }
  const paths = inputs.nodePaths ?? new Set<string>();
  if (paths.has('/var/lib/rancher/rke2')) add('rke2', 4, 'node root has /var/lib/rancher/rke2');
  else if (paths.has('/var/lib/rancher/k3s')) add('k3s', 4, 'node root has /var/lib/rancher/k3s');
  if (paths.has('/etc/kubernetes/manifests/kube-apiserver.yaml'))
    add('kubeadm', 2, 'node root has /etc/kubernetes/manifests/kube-apiserver.yaml');
  else if (paths.has('/etc/kubernetes/kubelet.conf') && paths.has('/var/lib/kubelet/config.yaml'))
    add('kubeadm', 1, 'node root has the kubeadm kubelet layout');
  // a cloud providerID alone (weight 0.5) does not make a managed platform: kops or kubeadm run on clouds too
  let best: PlatformName = 'unknown';
  let bestScore = 0.99;
  for (const [name, s] of score) {
    if (s > bestScore) {
      best = name;
      bestScore = s;
    }
  }
  evidence.sort((a, b) => b.weight - a.weight);
  return { name: best, evidence: evidence.filter((e) => e.name === best).map((e) => e.text) };
}

const CNI_RULES: { name: string; policy: boolean; test: RegExp }[] = [
  { name: 'cilium', policy: true, test: /(^|\/)cilium(-agent)?(:|$)|\/cilium\// },
  { name: 'calico', policy: true, test: /calico\/node|calico-node|\/calico\// },
  { name: 'canal', policy: true, test: /(^|\/)canal/ },
  { name: 'weave', policy: true, test: /weaveworks\/weave-kube|weave-net/ },
  { name: 'antrea', policy: true, test: /antrea/ },
  { name: 'kube-router', policy: true, test: /kube-router/ },
  { name: 'ovn-kubernetes', policy: true, test: /ovn-kubernetes|ovnkube/ },
  { name: 'openshift-sdn', policy: true, test: /openshift-sdn/ },
  { name: 'aws-vpc-cni', policy: true, test: /amazon-k8s-cni|aws-node/ },
  { name: 'azure-cni', policy: true, test: /azure-cns|azure-npm|azure-vnet|azure-ip-masq/ },
  { name: 'gke-dataplane', policy: true, test: /gke-networking|netd|anetd/ },
  { name: 'flannel', policy: false, test: /flannel/ },
  { name: 'kindnet', policy: false, test: /kindnet/ },
];

/** The CNI plugin, from DaemonSet names and images. */
export function detectCni(daemonSets: Obj[] | undefined): Platform['cni'] {
  if (!daemonSets)
    return { name: 'unknown', supportsNetworkPolicy: null, evidence: ['DaemonSets could not be read'] };
  const hits: { name: string; policy: boolean; text: string }[] = [];
  for (const ds of daemonSets) {
    const m = obj(ds.metadata);
    const ref = `DaemonSet ${str(m.namespace)}/${str(m.name)}`;
    const containers = objs(obj(obj(obj(ds.spec).template).spec).containers);
    const words = [str(m.name) ?? '', ...containers.map((c) => str(c.image) ?? '')];
    for (const rule of CNI_RULES) {
      const word = words.find((w) => rule.test.test(w));
      if (word && !hits.some((h) => h.name === rule.name)) {
        const image = containers.find((c) => str(c.image) === word);
        hits.push({
          name: rule.name,
          policy: rule.policy,
          text: image
            ? `${ref} image ${parseImage(word).repository}:${parseImage(word).tag ?? 'latest'}`
            : ref,
        });
      }
    }
  }
  if (!hits.length) return { name: 'unknown', supportsNetworkPolicy: null, evidence: [] };
  // calico + flannel = canal; a policy engine next to a plain CNI decides support
  const policy = hits.find((h) => h.policy);
  const chosen = policy ?? hits[0]!;
  return { name: chosen.name, supportsNetworkPolicy: Boolean(policy), evidence: hits.map((h) => h.text) };
}
