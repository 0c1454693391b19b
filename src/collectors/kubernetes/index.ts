/**
 * The Kubernetes collectors (docs/facts-k8s.md). They read through one source (live API or manifests) and an
 * optional node root; every API kind is listed once and shared, derived facts are computed once.
 */
import type { JsonValue } from '../../core/types.js';
import { HostFs } from '../host/hostfs.js';
import { CollectorUnavailable, type Collector } from '../types.js';
import { buildControlPlane } from './controlplane.js';
import { KINDS, type K8sSource, type KindName } from './kinds.js';
import type { ManifestLoad } from './manifests.js';
import { readNode, type NodeInfo } from './node.js';
import { collectNodeFiles } from './nodefiles.js';
import { MANAGED, detectCni, detectPlatform, minorOf, type Platform } from './platform.js';
import { buildBindings, buildRbac, buildRoles } from './rbac.js';
import {
  buildAdmissionPolicies,
  buildIngresses,
  buildNamespaces,
  buildNetworkPolicies,
  buildNodes,
  buildServiceAccounts,
  buildServices,
  buildWebhooks,
} from './resources.js';
import { obj, str, type Obj } from './util.js';
import { WORKLOAD_KINDS, buildWorkloads, serviceAccountIndex, type WorkloadInputs } from './workloads.js';

export const NO_API_REASON =
  'no API access in a node-only scan; pass --kubeconfig/--context for the live API or --manifests';
export const NO_NODE_REASON = 'no node access; run on the node with --node-root';

export interface K8sCollectContext {
  /** API objects (live or manifests); undefined for a node-only scan. */
  source?: K8sSource;
  /** Root of the node's filesystem (`--node-root`). */
  nodeRoot?: string;
  manifests?: ManifestLoad;
  /** Namespace given to namespaced manifest objects that have none. */
  defaultNamespace?: string;
}

export interface K8sShared {
  mode: 'live' | 'manifests' | 'node';
  list(kind: KindName): Promise<Obj[]>;
  tryList(kind: KindName): Promise<Obj[] | undefined>;
  node(): Promise<NodeInfo | undefined>;
  platform(): Promise<Platform>;
  workloads(): Promise<ReturnType<typeof buildWorkloads>>;
  controlPlane(): Promise<Obj[]>;
}

function memo<T>(fn: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => (p ??= fn());
}

const PLATFORM_PATHS = [
  '/var/lib/rancher/rke2',
  '/var/lib/rancher/k3s',
  '/etc/kubernetes/manifests/kube-apiserver.yaml',
  '/etc/kubernetes/kubelet.conf',
  '/var/lib/kubelet/config.yaml',
];

export function sharedContext(ctx: K8sCollectContext): K8sShared {
  const source = ctx.source;
  const mode = source?.mode ?? 'node';
  const list = (kind: KindName): Promise<Obj[]> => {
    if (!source) return Promise.reject(new CollectorUnavailable(NO_API_REASON));
    return source.list(kind).catch((err: unknown) => {
      throw new CollectorUnavailable((err as Error).message);
    });
  };
  const tryList = (kind: KindName) => list(kind).catch(() => undefined);
  const node = memo(async () => (ctx.nodeRoot ? readNode(ctx.nodeRoot) : undefined));
  const platform = memo(async (): Promise<Platform> => {
    let gitVersion: string | undefined;
    if (source?.mode === 'live')
      gitVersion = await source
        .version()
        .then((v) => str(v.gitVersion))
        .catch(() => undefined);
    const [nodes, pods, daemonSets, groups, info] = await Promise.all([
      tryList('Node'),
      tryList('Pod'),
      tryList('DaemonSet'),
      source?.groups?.().catch(() => undefined),
      node().catch(() => undefined),
    ]);
    const nodePaths = new Set<string>();
    if (info) {
      const fs = new HostFs(info.root);
      for (const p of PLATFORM_PATHS)
        if (
          await fs.lstat(p).then(
            () => true,
            () => false,
          )
        )
          nodePaths.add(p);
    }
    const kubeSystemPods = pods?.filter((p) => str(obj(p.metadata).namespace) === 'kube-system');
    const detected = detectPlatform({
      mode,
      gitVersion,
      nodes,
      pods: kubeSystemPods,
      daemonSets,
      apiGroups: groups,
      nodePaths,
    });
    const kubeletVersion = nodes
      ?.map((n) => str(obj(obj(obj(n.status).nodeInfo)).kubeletVersion))
      .find(Boolean);
    const version = gitVersion ?? kubeletVersion ?? null;
    const platformInfo: Platform = {
      name: detected.name,
      managedControlPlane: MANAGED.has(detected.name),
      mode,
      version,
      minor: minorOf(version ?? undefined),
      evidence: detected.evidence,
      controlPlaneVisible: false,
      cni: detectCni(daemonSets),
    };
    return platformInfo;
  });
  const workloads = memo(async () => {
    const inputs = {} as WorkloadInputs;
    const lists = await Promise.all(WORKLOAD_KINDS.map((k) => list(k)));
    WORKLOAD_KINDS.forEach((k, i) => (inputs[k] = lists[i] as Obj[]));
    const sas = await tryList('ServiceAccount');
    return buildWorkloads(inputs, {
      live: mode === 'live',
      serviceAccounts: sas ? serviceAccountIndex(sas) : null,
      defaultNamespace: ctx.defaultNamespace,
    });
  });
  const controlPlane = memo(async () => {
    const [p, info, pods, daemonSets] = await Promise.all([
      platform(),
      node(),
      tryList('Pod'),
      tryList('DaemonSet'),
    ]);
    let proxyConfigMap: Obj | undefined;
    if (source?.configMap) proxyConfigMap = obj((await source.configMap('kube-system', 'kube-proxy'))?.data);
    else if (ctx.manifests) {
      const cm = ctx.manifests.objects.find(
        (o) => o.kind === 'ConfigMap' && str(obj(o.metadata).name) === 'kube-proxy',
      );
      if (cm) proxyConfigMap = obj(cm.data);
    }
    return buildControlPlane({
      mode,
      node: info,
      pods: pods?.filter((x) => str(obj(x.metadata).namespace) === 'kube-system'),
      daemonSets,
      proxyConfigMap,
      platform: p,
    });
  });
  return { mode, list, tryList, node, platform, workloads, controlPlane };
}

function collector(id: string, description: string, collect: () => Promise<unknown>): Collector {
  return {
    id,
    target: 'kubernetes',
    description,
    collect: async () => (await collect()) as JsonValue,
  };
}

/** Every Kubernetes collector for one target. */
export function createK8sCollectors(ctx: K8sCollectContext, s: K8sShared = sharedContext(ctx)): Collector[] {
  const simple = (kind: KindName, build: (items: Obj[]) => unknown) => async () => build(await s.list(kind));
  const collectors: Collector[] = [
    collector('k8s.version', 'GET /version', async () => {
      if (!ctx.source || ctx.source.mode !== 'live')
        throw new CollectorUnavailable('the server version is only available from the live API');
      const v = await ctx.source.version();
      return {
        ...v,
        minorNumber: minorOf(`v${str(v.major) ?? '0'}.${str(v.minor) ?? ''}`) ?? minorOf(str(v.gitVersion)),
      };
    }),
    collector('k8s.platform', 'distribution, managed control plane, CNI', async () => {
      const p = await s.platform();
      const cp = await s.controlPlane().catch(() => [] as Obj[]);
      const visible = cp.some(
        (e) =>
          ['apiserver', 'controllerManager', 'scheduler', 'etcd'].includes(String(e.component)) &&
          e.source !== 'unavailable',
      );
      return { ...p, controlPlaneVisible: visible };
    }),
    collector('k8s.namespaces', 'namespaces with PSA labels', async () => {
      const items = await s.list('Namespace');
      const [policies, workloads] = await Promise.all([
        s.tryList('NetworkPolicy').then((l) => (l ? buildNetworkPolicies(l) : null)),
        s.workloads().then(
          (w) => w.workloads,
          () => null,
        ),
      ]);
      let used: string[] = [];
      if (s.mode === 'manifests' && ctx.manifests) {
        used = ctx.manifests.objects
          .filter((o) => Object.values(KINDS).some((k) => k.namespaced && k.kind === o.kind))
          .map((o) => str(obj(o.metadata).namespace))
          .filter((n): n is string => Boolean(n));
      }
      return buildNamespaces(items, { policies, workloads, usedNamespaces: used });
    }),
    collector('k8s.nodes', 'nodes', simple('Node', buildNodes)),
    collector('k8s.workloads', 'workloads by owning controller', async () => (await s.workloads()).workloads),
    collector('k8s.pods', 'pods (light)', async () => (await s.workloads()).pods),
    collector('k8s.serviceaccounts', 'service accounts', async () => {
      const items = await s.list('ServiceAccount');
      const workloads = await s.workloads().then(
        (w) => w.workloads,
        () => null,
      );
      const [rb, crb] = await Promise.all([s.tryList('RoleBinding'), s.tryList('ClusterRoleBinding')]);
      const bindings =
        rb && crb ? [...buildBindings('RoleBinding', rb), ...buildBindings('ClusterRoleBinding', crb)] : null;
      return buildServiceAccounts(items, { workloads, bindings });
    }),
    collector(
      'k8s.roles',
      'Roles',
      simple('Role', (items) => buildRoles('Role', items)),
    ),
    collector(
      'k8s.clusterroles',
      'ClusterRoles',
      simple('ClusterRole', (items) => buildRoles('ClusterRole', items)),
    ),
    collector(
      'k8s.rolebindings',
      'RoleBindings',
      simple('RoleBinding', (items) => buildBindings('RoleBinding', items)),
    ),
    collector(
      'k8s.clusterrolebindings',
      'ClusterRoleBindings',
      simple('ClusterRoleBinding', (items) => buildBindings('ClusterRoleBinding', items)),
    ),
    collector('k8s.rbac', 'bindings resolved to subjects and rules', async () => {
      const [roles, clusterRoles, roleBindings, clusterRoleBindings] = await Promise.all([
        s.list('Role'),
        s.list('ClusterRole'),
        s.list('RoleBinding'),
        s.list('ClusterRoleBinding'),
      ]);
      return buildRbac({
        roles: buildRoles('Role', roles),
        clusterRoles: buildRoles('ClusterRole', clusterRoles),
        roleBindings: buildBindings('RoleBinding', roleBindings),
        clusterRoleBindings: buildBindings('ClusterRoleBinding', clusterRoleBindings),
      });
    }),
    collector('k8s.networkpolicies', 'NetworkPolicies', simple('NetworkPolicy', buildNetworkPolicies)),
    collector('k8s.services', 'Services', simple('Service', buildServices)),
    collector('k8s.ingresses', 'Ingresses', simple('Ingress', buildIngresses)),
    collector('k8s.webhooks', 'admission webhook configurations', async () => {
      const [v, m] = await Promise.all([
        s.list('ValidatingWebhookConfiguration'),
        s.list('MutatingWebhookConfiguration'),
      ]);
      return [
        ...buildWebhooks('ValidatingWebhookConfiguration', v),
        ...buildWebhooks('MutatingWebhookConfiguration', m),
      ];
    }),
    collector('k8s.admissionpolicies', 'ValidatingAdmissionPolicies and bindings', async () => {
      const [p, b] = await Promise.all([
        s.list('ValidatingAdmissionPolicy'),
        s.list('ValidatingAdmissionPolicyBinding'),
      ]);
      return buildAdmissionPolicies(p, b);
    }),
    collector('k8s.controlplane', 'control-plane and node components', () => s.controlPlane()),
    collector('k8s.nodefiles', 'node files named by the CIS benchmark', async () => {
      const info = await s.node();
      if (!info) throw new CollectorUnavailable(NO_NODE_REASON);
      return collectNodeFiles(info, await s.controlPlane());
    }),
  ];
  if (ctx.manifests) {
    const load = ctx.manifests;
    collectors.push(
      collector('k8s.manifests', 'manifest files and problems', async () => {
        const kinds: Record<string, number> = {};
        for (const o of load.objects) kinds[o.kind as string] = (kinds[o.kind as string] ?? 0) + 1;
        return { root: load.root, files: load.files, kinds, problems: load.problems };
      }),
    );
  }
  return collectors;
}

export { KINDS };
