/** Summaries of the simpler API kinds (namespaces, nodes, service accounts, network, admission). */
import type { JsonValue } from '../../core/types.js';
import {
  SYSTEM_NAMESPACES,
  boolOrNull,
  isObj,
  json,
  metaOf,
  numOrNull,
  obj,
  objs,
  sourceOf,
  str,
  strMap,
  strOrNull,
  strs,
  type Obj,
} from './util.js';

const PSA_MODES = ['enforce', 'audit', 'warn'] as const;

export function podSecurityLabels(labels: Record<string, string>): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const mode of PSA_MODES) {
    out[mode] = labels[`pod-security.kubernetes.io/${mode}`] ?? null;
    out[`${mode}Version`] = labels[`pod-security.kubernetes.io/${mode}-version`] ?? null;
  }
  return out;
}

export interface NetworkPolicySummary {
  count: number;
  defaultDenyIngress: boolean;
  defaultDenyEgress: boolean;
}

export function buildNamespaces(
  items: Obj[],
  opts: {
    policies?: Obj[] | null;
    workloads?: Obj[] | null;
    /** Namespaces used by resources (manifest mode): listed with declared: false when not declared. */
    usedNamespaces?: string[];
  } = {},
): Obj[] {
  const entries: Obj[] = [];
  const declared = new Set<string>();
  const policiesByNs = new Map<string, Obj[]>();
  for (const p of opts.policies ?? []) {
    const list = policiesByNs.get(String(p.namespace)) ?? [];
    list.push(p);
    policiesByNs.set(String(p.namespace), list);
  }
  const workloadCount = new Map<string, number>();
  for (const w of opts.workloads ?? [])
    workloadCount.set(String(w.namespace), (workloadCount.get(String(w.namespace)) ?? 0) + 1);
  const perNs = (name: string, declaredNs: boolean, o?: Obj): Obj => {
    const m = o ? metaOf(o) : { name, uid: null, labels: {}, annotations: {} };
    let networkPolicies: JsonValue = null;
    if (opts.policies) {
      const mine = policiesByNs.get(name) ?? [];
      networkPolicies = {
        count: mine.length,
        defaultDenyIngress: mine.some((p) => p.defaultDenyIngress === true),
        defaultDenyEgress: mine.some((p) => p.defaultDenyEgress === true),
      };
    }
    return {
      name,
      uid: m.uid,
      labels: m.labels,
      annotations: m.annotations,
      ...(o ? sourceOf(o) : {}),
      phase: o ? (strOrNull(obj(o.status).phase) ?? 'Active') : null,
      declared: declaredNs,
      systemNamespace: SYSTEM_NAMESPACES.has(name),
      podSecurity: podSecurityLabels(m.labels),
      networkPolicies,
      workloads: opts.workloads ? (workloadCount.get(name) ?? 0) : null,
    } as Obj;
  };
  for (const o of items) {
    const name = metaOf(o).name;
    declared.add(name);
    entries.push(perNs(name, true, o));
  }
  for (const name of [...new Set(opts.usedNamespaces ?? [])].sort()) {
    if (!declared.has(name)) entries.push(perNs(name, false));
  }
  return entries;
}

export function buildNodes(items: Obj[]): Obj[] {
  return items.map((o) => {
    const m = metaOf(o);
    const spec = obj(o.spec);
    const status = obj(o.status);
    const info = obj(status.nodeInfo);
    const roles = Object.keys(m.labels)
      .filter((k) => k.startsWith('node-role.kubernetes.io/'))
      .map((k) => k.slice('node-role.kubernetes.io/'.length))
      .filter(Boolean)
      .sort();
    const ready = objs(status.conditions).find((c) => c.type === 'Ready');
    return {
      name: m.name,
      uid: m.uid,
      labels: m.labels,
      annotations: m.annotations,
      ...sourceOf(o),
      providerID: strOrNull(spec.providerID),
      roles,
      controlPlane: roles.includes('control-plane') || roles.includes('master'),
      unschedulable: spec.unschedulable === true,
      ready: ready ? ready.status === 'True' : null,
      taints: objs(spec.taints).map((t) => ({
        key: str(t.key) ?? '',
        value: strOrNull(t.value),
        effect: strOrNull(t.effect),
      })),
      kubeletVersion: strOrNull(info.kubeletVersion),
      kubeProxyVersion: strOrNull(info.kubeProxyVersion),
      containerRuntimeVersion: strOrNull(info.containerRuntimeVersion),
      osImage: strOrNull(info.osImage),
      kernelVersion: strOrNull(info.kernelVersion),
      operatingSystem: strOrNull(info.operatingSystem),
      architecture: strOrNull(info.architecture),
      addresses: objs(status.addresses).map((a) => ({
        type: str(a.type) ?? '',
        address: str(a.address) ?? '',
      })),
    } as Obj;
  });
}

export function buildServiceAccounts(
  items: Obj[],
  opts: { workloads?: Obj[] | null; bindings?: Obj[] | null } = {},
): Obj[] {
  const used = new Map<string, number>();
  for (const w of opts.workloads ?? []) {
    const key = `${w.namespace}/${w.serviceAccountName}`;
    used.set(key, (used.get(key) ?? 0) + 1);
  }
  const bound = new Map<string, number>();
  for (const b of opts.bindings ?? []) {
    const seen = new Set<string>();
    for (const s of objs(b.subjects)) {
      if (s.kind !== 'ServiceAccount') continue;
      const key = `${s.namespace}/${s.name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      bound.set(key, (bound.get(key) ?? 0) + 1);
    }
  }
  return items.map((o) => {
    const m = metaOf(o);
    const ns = m.namespace ?? 'default';
    const key = `${ns}/${m.name}`;
    return {
      namespace: ns,
      name: m.name,
      uid: m.uid,
      labels: m.labels,
      annotations: m.annotations,
      ...sourceOf(o),
      automountServiceAccountToken: boolOrNull(o.automountServiceAccountToken),
      isDefault: m.name === 'default',
      secrets: objs(o.secrets).map((s) => str(s.name) ?? ''),
      imagePullSecrets: objs(o.imagePullSecrets).map((s) => str(s.name) ?? ''),
      usedBy: opts.workloads ? (used.get(key) ?? 0) : null,
      boundRoles: opts.bindings ? (bound.get(key) ?? 0) : null,
      systemNamespace: SYSTEM_NAMESPACES.has(ns),
    } as Obj;
  });
}

function emptyPeerRule(rule: Obj, peerKey: 'from' | 'to'): boolean {
  const peers = objs(rule[peerKey]);
  const noPorts = objs(rule.ports).length === 0;
  const allPeers = peers.length === 0 || peers.some((p) => Object.keys(p).length === 0);
  return noPorts && allPeers;
}

export function buildNetworkPolicies(items: Obj[]): Obj[] {
  return items.map((o) => {
    const m = metaOf(o);
    const spec = obj(o.spec);
    const podSelector = obj(spec.podSelector);
    const selectsAllPods =
      Object.keys(obj(podSelector.matchLabels)).length === 0 &&
      objs(podSelector.matchExpressions).length === 0;
    const ingress = objs(spec.ingress);
    const egress = objs(spec.egress);
    let policyTypes = strs(spec.policyTypes);
    if (!policyTypes.length) policyTypes = ['Ingress', ...(Array.isArray(spec.egress) ? ['Egress'] : [])];
    return {
      namespace: m.namespace ?? 'default',
      name: m.name,
      uid: m.uid,
      labels: m.labels,
      annotations: m.annotations,
      ...sourceOf(o),
      podSelector: podSelector as JsonValue,
      selectsAllPods,
      policyTypes,
      ingress: ingress as JsonValue,
      egress: egress as JsonValue,
      defaultDenyIngress: selectsAllPods && policyTypes.includes('Ingress') && ingress.length === 0,
      defaultDenyEgress: selectsAllPods && policyTypes.includes('Egress') && egress.length === 0,
      allowsAllIngress: policyTypes.includes('Ingress') && ingress.some((r) => emptyPeerRule(r, 'from')),
      allowsAllEgress: policyTypes.includes('Egress') && egress.some((r) => emptyPeerRule(r, 'to')),
    } as Obj;
  });
}

export function buildServices(items: Obj[]): Obj[] {
  return items.map((o) => {
    const m = metaOf(o);
    const spec = obj(o.spec);
    const type = str(spec.type) ?? 'ClusterIP';
    const externalIPs = strs(spec.externalIPs);
    return {
      namespace: m.namespace ?? 'default',
      name: m.name,
      uid: m.uid,
      labels: m.labels,
      annotations: m.annotations,
      ...sourceOf(o),
      type,
      clusterIP: strOrNull(spec.clusterIP),
      externalIPs,
      externalName: strOrNull(spec.externalName),
      loadBalancerSourceRanges: strs(spec.loadBalancerSourceRanges),
      externalTrafficPolicy: strOrNull(spec.externalTrafficPolicy),
      selector: strMap(spec.selector),
      ports: objs(spec.ports).map((p) => ({
        name: strOrNull(p.name),
        port: numOrNull(p.port),
        targetPort: p.targetPort === undefined ? null : json(p.targetPort),
        nodePort: numOrNull(p.nodePort),
        protocol: str(p.protocol) ?? 'TCP',
      })),
      externallyReachable: type === 'NodePort' || type === 'LoadBalancer' || externalIPs.length > 0,
    } as Obj;
  });
}

export function buildIngresses(items: Obj[]): Obj[] {
  return items.map((o) => {
    const m = metaOf(o);
    const spec = obj(o.spec);
    const rules = objs(spec.rules);
    const hosts = [...new Set(rules.map((r) => str(r.host)).filter((h): h is string => Boolean(h)))];
    const tls = objs(spec.tls).map((t) => ({ hosts: strs(t.hosts), secretName: strOrNull(t.secretName) }));
    const covered = new Set(tls.flatMap((t) => t.hosts));
    const wildcardCovers = (h: string) =>
      [...covered].some(
        (c) => c.startsWith('*.') && h.endsWith(c.slice(1)) && !h.slice(0, -c.length + 1).includes('.'),
      );
    return {
      namespace: m.namespace ?? 'default',
      name: m.name,
      uid: m.uid,
      labels: m.labels,
      annotations: m.annotations,
      ...sourceOf(o),
      ingressClassName: str(spec.ingressClassName) ?? m.annotations['kubernetes.io/ingress.class'] ?? null,
      hosts,
      tls,
      hostsWithoutTls: hosts.filter((h) => !covered.has(h) && !wildcardCovers(h)),
      defaultBackend: spec.defaultBackend === undefined ? null : json(spec.defaultBackend),
      rules: rules as JsonValue,
    } as Obj;
  });
}

function engineOf(name: string, hooks: Obj[]): string | null {
  const words = [
    name,
    ...hooks.map((h) => `${str(h.name) ?? ''} ${str(obj(obj(h.clientConfig).service).namespace) ?? ''}`),
  ].join(' ');
  if (/kyverno/i.test(words)) return 'kyverno';
  if (/gatekeeper/i.test(words)) return 'gatekeeper';
  if (/kubewarden/i.test(words)) return 'kubewarden';
  return null;
}

export function buildWebhooks(kind: string, items: Obj[]): Obj[] {
  return items.map((o) => {
    const m = metaOf(o);
    const hooks = objs(o.webhooks);
    return {
      kind,
      name: m.name,
      uid: m.uid,
      labels: m.labels,
      annotations: m.annotations,
      ...sourceOf(o),
      engine: engineOf(m.name, hooks),
      webhooks: hooks.map((h) => {
        const cc = obj(h.clientConfig);
        return {
          name: str(h.name) ?? '',
          failurePolicy: str(h.failurePolicy) ?? 'Fail',
          sideEffects: strOrNull(h.sideEffects),
          timeoutSeconds: numOrNull(h.timeoutSeconds),
          rules: objs(h.rules) as JsonValue,
          namespaceSelector: (isObj(h.namespaceSelector) ? h.namespaceSelector : {}) as JsonValue,
          objectSelector: (isObj(h.objectSelector) ? h.objectSelector : {}) as JsonValue,
          clientConfig: {
            service: isObj(cc.service) ? (cc.service as JsonValue) : null,
            url: strOrNull(cc.url),
          },
        };
      }),
    } as Obj;
  });
}

export function buildAdmissionPolicies(policies: Obj[], bindings: Obj[]): Obj {
  return {
    policies: policies.map((o) => {
      const m = metaOf(o);
      const spec = obj(o.spec);
      return {
        name: m.name,
        uid: m.uid,
        labels: m.labels,
        ...sourceOf(o),
        failurePolicy: str(spec.failurePolicy) ?? 'Fail',
        matchConstraints: (isObj(spec.matchConstraints) ? spec.matchConstraints : {}) as JsonValue,
        validations: objs(spec.validations).length,
      };
    }),
    bindings: bindings.map((o) => {
      const m = metaOf(o);
      const spec = obj(o.spec);
      return {
        name: m.name,
        uid: m.uid,
        ...sourceOf(o),
        policyName: strOrNull(spec.policyName),
        validationActions: strs(spec.validationActions),
      };
    }),
  } as Obj;
}
