/**
 * Workloads: one entry per owning controller, with the pod template's effective security settings.
 * See docs/facts-k8s.md (`k8s.workloads`, `k8s.pods`).
 */
import type { JsonValue } from '../../core/types.js';
import {
  REDACTED,
  SYSTEM_NAMESPACES,
  boolOrNull,
  isObj,
  json,
  metaOf,
  numOrNull,
  obj,
  objs,
  safeAnnotations,
  sourceOf,
  str,
  strMap,
  strOrNull,
  strs,
  type Obj,
} from './util.js';

/** Kinds that own pods (directly or through another listed controller), in the order they are reported. */
export const WORKLOAD_KINDS = [
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'CronJob',
  'Job',
  'ReplicaSet',
  'ReplicationController',
  'DeploymentConfig',
  'Pod',
] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

export type WorkloadInputs = Record<WorkloadKind, Obj[]>;

/** Fields Kubernetes copies from the pod's securityContext into a container that does not set them. */
export const INHERITED_FIELDS = [
  'runAsUser',
  'runAsGroup',
  'runAsNonRoot',
  'seccompProfile',
  'appArmorProfile',
  'seLinuxOptions',
  'windowsOptions',
] as const;

export const VOLUME_TYPES = [
  'hostPath',
  'emptyDir',
  'configMap',
  'secret',
  'persistentVolumeClaim',
  'projected',
  'downwardAPI',
  'csi',
  'ephemeral',
  'image',
  'nfs',
  'iscsi',
  'glusterfs',
  'rbd',
  'cephfs',
  'cinder',
  'fc',
  'flexVolume',
  'flocker',
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'gitRepo',
  'azureFile',
  'azureDisk',
  'vsphereVolume',
  'quobyte',
  'photonPersistentDisk',
  'portworxVolume',
  'scaleIO',
  'storageos',
] as const;

export const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';
const APPARMOR_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

export function isMirrorPod(pod: Obj): boolean {
  const a = obj(obj(pod.metadata).annotations);
  return a[MIRROR_ANNOTATION] !== undefined || a['kubernetes.io/config.source'] === 'file';
}

/** Splits an image reference into registry, repository, tag and digest (docker reference rules). */
export function parseImage(ref: string): {
  registry: string;
  repository: string;
  tag: string | null;
  digest: string | null;
} {
  let rest = ref.trim();
  let digest: string | null = null;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1) || null;
    rest = rest.slice(0, at);
  }
  let tag: string | null = null;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1) || null;
    rest = rest.slice(0, colon);
  }
  const parts = rest.split('/');
  let registry = 'docker.io';
  const first = parts[0] ?? '';
  if (parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    registry = first;
    parts.shift();
  }
  let repository = parts.join('/');
  if (registry === 'docker.io' && parts.length === 1) repository = `library/${repository}`;
  return { registry, repository, tag, digest };
}

function volumeType(v: Obj): string {
  for (const t of VOLUME_TYPES) if (v[t] !== undefined && v[t] !== null) return t;
  const other = Object.keys(v).find((key) => key !== 'name');
  return other ?? 'unknown';
}

function redactHeaders(handler: unknown): void {
  for (const kind of ['httpGet']) {
    const h = obj(obj(handler)[kind]);
    for (const header of objs(h.httpHeaders)) if (header.value !== undefined) header.value = REDACTED;
  }
}

function redactContainer(c: Obj): void {
  for (const e of objs(c.env)) if (e.value !== undefined) e.value = REDACTED;
  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) redactHeaders(c[probe]);
  const lifecycle = obj(c.lifecycle);
  redactHeaders(lifecycle.postStart);
  redactHeaders(lifecycle.preStop);
}

/** A copy of a pod spec with env values and probe header values redacted. */
export function redactPodSpec(spec: Obj): Obj {
  const copy = structuredClone(spec) as Obj;
  for (const list of ['initContainers', 'containers', 'ephemeralContainers']) {
    for (const c of objs(copy[list])) redactContainer(c);
  }
  return copy;
}

function appArmorFromAnnotation(value: string | undefined): Obj | undefined {
  if (value === undefined) return undefined;
  if (value === 'runtime/default') return { type: 'RuntimeDefault' };
  if (value === 'unconfined') return { type: 'Unconfined' };
  if (value.startsWith('localhost/'))
    return { type: 'Localhost', localhostProfile: value.slice('localhost/'.length) };
  return { type: value };
}

/** The container's effective security context: its own fields plus those it inherits from the pod. */
export function effectiveSecurityContext(
  podSc: Obj,
  containerSc: Obj,
  podAnnotations: Record<string, string>,
  containerName: string,
): { securityContext: Obj; inherited: string[] } {
  // values are shared with the (already copied) pod spec; nothing mutates them afterwards
  const sc: Obj = { ...containerSc };
  const inherited: string[] = [];
  for (const field of INHERITED_FIELDS) {
    const podValue = podSc[field];
    if (podValue === undefined || podValue === null) continue;
    if (field === 'windowsOptions' && isObj(sc.windowsOptions)) {
      const merged = { ...(podValue as Obj), ...sc.windowsOptions };
      if (Object.keys(merged).length > Object.keys(sc.windowsOptions).length) inherited.push(field);
      sc.windowsOptions = merged;
      continue;
    }
    if (sc[field] === undefined || sc[field] === null) {
      sc[field] = podValue;
      inherited.push(field);
    }
  }
  if (sc.appArmorProfile === undefined || sc.appArmorProfile === null) {
    const fromAnnotation = appArmorFromAnnotation(podAnnotations[`${APPARMOR_PREFIX}${containerName}`]);
    if (fromAnnotation) sc.appArmorProfile = fromAnnotation;
  }
  return { securityContext: sc, inherited };
}

const nullable = (v: unknown): JsonValue => (v === undefined ? null : json(v));

function containerEntry(
  c: Obj,
  type: 'container' | 'initContainer' | 'ephemeralContainer',
  podSc: Obj,
  podAnnotations: Record<string, string>,
): Obj {
  const name = str(c.name) ?? '';
  const declared = obj(c.securityContext);
  const { securityContext, inherited } = effectiveSecurityContext(podSc, declared, podAnnotations, name);
  const image = str(c.image) ?? '';
  const img = parseImage(image);
  const resources = obj(c.resources);
  const redacted = c; // a container of the redacted pod spec copy
  return {
    name,
    type,
    image,
    imageRegistry: img.registry,
    imageRepository: img.repository,
    imageTag: img.tag,
    imageDigest: img.digest,
    imagePullPolicy: strOrNull(c.imagePullPolicy),
    command: strs(c.command),
    args: strs(c.args),
    securityContext,
    declaredSecurityContext: declared,
    inherited,
    ports: objs(c.ports).map((p) => ({
      name: strOrNull(p.name),
      containerPort: numOrNull(p.containerPort),
      hostPort: numOrNull(p.hostPort),
      hostIP: strOrNull(p.hostIP),
      protocol: str(p.protocol) ?? 'TCP',
    })),
    env: objs(c.env).map((e) => ({
      name: str(e.name) ?? '',
      value: e.value !== undefined && e.value !== null ? REDACTED : null,
      valueFrom: nullable(e.valueFrom),
    })),
    envFrom: objs(c.envFrom) as JsonValue,
    volumeMounts: objs(c.volumeMounts) as JsonValue,
    resources: { limits: obj(resources.limits), requests: obj(resources.requests) } as JsonValue,
    livenessProbe: nullable(redacted.livenessProbe),
    readinessProbe: nullable(redacted.readinessProbe),
    startupProbe: nullable(redacted.startupProbe),
    lifecycle: nullable(redacted.lifecycle),
    restartPolicy: strOrNull(c.restartPolicy),
  };
}

/** The pod template of a workload object: `{ metadata, spec }`. */
export function podTemplateOf(kind: WorkloadKind, o: Obj): { metadata: Obj; spec: Obj } {
  const spec = obj(o.spec);
  if (kind === 'Pod') return { metadata: obj(o.metadata), spec };
  const template = kind === 'CronJob' ? obj(obj(obj(spec.jobTemplate).spec).template) : obj(spec.template);
  return { metadata: obj(template.metadata), spec: obj(template.spec) };
}

export interface ServiceAccountIndex {
  /** `namespace/name` -> the ServiceAccount's automountServiceAccountToken (true/false/null). */
  get(namespace: string, name: string): { automount: boolean | null } | undefined;
}

export function serviceAccountIndex(serviceAccounts: Obj[]): ServiceAccountIndex {
  const map = new Map<string, { automount: boolean | null }>();
  for (const sa of serviceAccounts) {
    const m = metaOf(sa);
    map.set(`${m.namespace ?? 'default'}/${m.name}`, {
      automount: boolOrNull(sa.automountServiceAccountToken),
    });
  }
  return { get: (ns, name) => map.get(`${ns}/${name}`) };
}

export interface WorkloadRef {
  kind: string;
  namespace: string;
  name: string;
}

export interface OwnershipResult {
  /** Workload objects with their kind, in WORKLOAD_KINDS order. */
  roots: { kind: WorkloadKind; object: Obj; owner: { kind: string; name: string } | null }[];
  /** Every pod with the workload it belongs to. */
  pods: { pod: Obj; workload: WorkloadRef }[];
  /** Pods per workload key (`kind/namespace/name`). */
  podCounts: Map<string, number>;
}

const keyOf = (r: WorkloadRef) => `${r.kind}/${r.namespace}/${r.name}`;

function controllerRef(o: Obj): Obj | undefined {
  const refs = objs(obj(o.metadata).ownerReferences);
  return refs.find((r) => r.controller === true) ?? (refs.length === 1 ? refs[0] : undefined);
}

/**
 * Resolves ownership: a resource is a workload when its controller owner is not among the listed
 * objects (matched by uid, else by kind + namespace + name). Pods are attributed to their root workload.
 */
export function resolveOwnership(inputs: WorkloadInputs, defaultNamespace = 'default'): OwnershipResult {
  const byUid = new Map<string, { kind: WorkloadKind; object: Obj }>();
  const byName = new Map<string, { kind: WorkloadKind; object: Obj }>();
  const nsOf = (o: Obj) => str(obj(o.metadata).namespace) ?? defaultNamespace;
  for (const kind of WORKLOAD_KINDS) {
    if (kind === 'Pod') continue;
    for (const o of inputs[kind]) {
      const m = obj(o.metadata);
      const entry = { kind, object: o };
      if (str(m.uid)) byUid.set(m.uid as string, entry);
      byName.set(`${kind}/${nsOf(o)}/${str(m.name) ?? ''}`, entry);
    }
  }
  const parentOf = (o: Obj): { kind: WorkloadKind; object: Obj } | undefined => {
    const ref = controllerRef(o);
    if (!ref) return undefined;
    const uid = str(ref.uid);
    if (uid && byUid.has(uid)) return byUid.get(uid);
    const named = byName.get(`${str(ref.kind)}/${nsOf(o)}/${str(ref.name) ?? ''}`);
    // same name but another uid: the owner was deleted and recreated, so this object is orphaned
    if (named && uid && str(obj(named.object.metadata).uid) && str(obj(named.object.metadata).uid) !== uid)
      return undefined;
    return named;
  };
  const rootCache = new Map<Obj, { kind: WorkloadKind; object: Obj }>();
  const rootOf = (kind: WorkloadKind, o: Obj): { kind: WorkloadKind; object: Obj } => {
    const hit = rootCache.get(o);
    if (hit) return hit;
    let current = { kind, object: o };
    const seen = new Set<Obj>([o]);
    for (let depth = 0; depth < 8; depth++) {
      const parent = parentOf(current.object);
      if (!parent || seen.has(parent.object)) break;
      seen.add(parent.object);
      current = parent;
    }
    rootCache.set(o, current);
    return current;
  };
  const roots: OwnershipResult['roots'] = [];
  for (const kind of WORKLOAD_KINDS) {
    for (const o of inputs[kind]) {
      if (parentOf(o)) continue;
      const ref = controllerRef(o);
      roots.push({
        kind,
        object: o,
        owner: ref ? { kind: str(ref.kind) ?? '', name: str(ref.name) ?? '' } : null,
      });
    }
  }
  const pods: OwnershipResult['pods'] = [];
  const podCounts = new Map<string, number>();
  for (const pod of inputs.Pod) {
    const root = rootOf('Pod', pod);
    const workload = {
      kind: root.kind,
      namespace: nsOf(root.object),
      name: str(obj(root.object.metadata).name) ?? '',
    };
    pods.push({ pod, workload });
    const key = keyOf(workload);
    podCounts.set(key, (podCounts.get(key) ?? 0) + 1);
  }
  return { roots, pods, podCounts };
}

export interface BuildOptions {
  live: boolean;
  /** Null when ServiceAccounts could not be read. */
  serviceAccounts: ServiceAccountIndex | null;
  defaultNamespace?: string;
}

/** One `k8s.workloads` entry. */
export function workloadEntry(
  kind: WorkloadKind,
  o: Obj,
  owner: { kind: string; name: string } | null,
  pods: number | null,
  opts: BuildOptions,
): Obj {
  const meta = metaOf(o);
  const namespace = meta.namespace ?? opts.defaultNamespace ?? 'default';
  const template = podTemplateOf(kind, o);
  const spec = template.spec;
  const podAnnotations = safeAnnotations(obj(template.metadata).annotations);
  const podSc = obj(spec.securityContext);
  const saName = str(spec.serviceAccountName) || str(spec.serviceAccount) || 'default';
  const sa = opts.serviceAccounts?.get(namespace, saName);
  const podAutomount = boolOrNull(spec.automountServiceAccountToken);
  let automount = true;
  let automountSource = 'default';
  if (podAutomount !== null) {
    automount = podAutomount;
    automountSource = 'pod';
  } else if (sa && sa.automount !== null) {
    automount = sa.automount;
    automountSource = 'serviceaccount';
  }
  const volumes: Obj[] = objs(spec.volumes).map((v) => ({ ...v, type: volumeType(v) }));
  const podSpec = redactPodSpec(spec);
  const containers = [
    ...objs(podSpec.initContainers).map((c) => containerEntry(c, 'initContainer', podSc, podAnnotations)),
    ...objs(podSpec.containers).map((c) => containerEntry(c, 'container', podSc, podAnnotations)),
    ...objs(podSpec.ephemeralContainers).map((c) =>
      containerEntry(c, 'ephemeralContainer', podSc, podAnnotations),
    ),
  ];
  const scalable = kind === 'Deployment' || kind === 'StatefulSet' || kind === 'ReplicaSet';
  const replicas =
    scalable || kind === 'ReplicationController' || kind === 'DeploymentConfig'
      ? (numOrNull(obj(o.spec).replicas) ?? 1)
      : null;
  const mirror = kind === 'Pod' && isMirrorPod(o);
  return {
    kind,
    apiVersion: str(o.apiVersion) ?? null,
    namespace,
    name: meta.name,
    uid: meta.uid,
    labels: meta.labels,
    annotations: meta.annotations,
    ...sourceOf(o),
    systemNamespace: SYSTEM_NAMESPACES.has(namespace),
    owner,
    replicas,
    pods: opts.live ? (pods ?? 0) : null,
    mirror,
    podLabels: strMap(obj(template.metadata).labels),
    podAnnotations,
    podSpec,
    podSecurityContext: podSc,
    serviceAccountName: saName,
    serviceAccount: {
      found: opts.serviceAccounts ? sa !== undefined : null,
      automountServiceAccountToken: sa ? sa.automount : null,
    },
    automountServiceAccountToken: automount,
    automountSource,
    hostNetwork: spec.hostNetwork === true,
    hostPID: spec.hostPID === true,
    hostIPC: spec.hostIPC === true,
    hostUsers: spec.hostUsers !== false,
    os: strOrNull(obj(spec.os).name),
    nodeName: strOrNull(spec.nodeName),
    volumes,
    hostPaths: volumes.map((v) => str(obj(v.hostPath).path)).filter((p): p is string => p !== undefined),
    containers,
  } as Obj;
}

/** Builds `k8s.workloads` and `k8s.pods` from the listed objects. */
export function buildWorkloads(
  inputs: WorkloadInputs,
  opts: BuildOptions,
): { workloads: Obj[]; pods: Obj[]; ownership: OwnershipResult } {
  const defaultNamespace = opts.defaultNamespace ?? 'default';
  const ownership = resolveOwnership(inputs, defaultNamespace);
  const workloads = ownership.roots.map(({ kind, object, owner }) => {
    const m = metaOf(object);
    const key = keyOf({ kind, namespace: m.namespace ?? defaultNamespace, name: m.name });
    return workloadEntry(kind, object, owner, ownership.podCounts.get(key) ?? 0, opts);
  });
  const pods = ownership.pods.map(({ pod, workload }) => {
    const m = metaOf(pod);
    const mirror = isMirrorPod(pod);
    return {
      namespace: m.namespace ?? defaultNamespace,
      name: m.name,
      uid: m.uid,
      phase: strOrNull(obj(pod.status).phase),
      nodeName: strOrNull(obj(pod.spec).nodeName),
      mirror,
      staticComponent: mirror ? (m.labels.component ?? m.labels['k8s-app'] ?? null) : null,
      workload: workload as unknown as JsonValue,
      ...sourceOf(pod),
    } as Obj;
  });
  return { workloads, pods, ownership };
}
