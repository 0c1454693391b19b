/** RBAC facts: roles, bindings, and the derived subject view (`k8s.rbac`). See docs/facts-k8s.md. */
import { SYSTEM_NAMESPACES, metaOf, obj, objs, sourceOf, str, strOrNull, strs, type Obj } from './util.js';

export interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames: string[];
  nonResourceURLs: string[];
}

export function normaliseRule(r: Obj): Rule {
  return {
    apiGroups: strs(r.apiGroups),
    resources: strs(r.resources),
    verbs: strs(r.verbs),
    resourceNames: strs(r.resourceNames),
    nonResourceURLs: strs(r.nonResourceURLs),
  };
}

export function isBuiltin(o: Obj): boolean {
  const m = metaOf(o);
  return m.labels['kubernetes.io/bootstrapping'] === 'rbac-defaults' || m.name.startsWith('system:');
}

function wildcards(rules: Rule[]): { verbs: boolean; resources: boolean; apiGroups: boolean; any: boolean } {
  const verbs = rules.some((r) => r.verbs.includes('*'));
  const resources = rules.some((r) => r.resources.includes('*'));
  const apiGroups = rules.some((r) => r.apiGroups.includes('*'));
  return { verbs, resources, apiGroups, any: verbs || resources || apiGroups };
}

function labelsMatch(labels: Record<string, string>, selector: Obj): boolean {
  for (const [k, v] of Object.entries(obj(selector.matchLabels))) if (labels[k] !== v) return false;
  for (const expr of objs(selector.matchExpressions)) {
    const key = str(expr.key) ?? '';
    const values = strs(expr.values);
    const has = labels[key] !== undefined;
    switch (expr.operator) {
      case 'In':
        if (!has || !values.includes(labels[key] as string)) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[key] as string)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** Role / ClusterRole entries; aggregated ClusterRoles without rules get their rules computed (manifests). */
export function buildRoles(kind: 'Role' | 'ClusterRole', items: Obj[], all: Obj[] = items): Obj[] {
  return items.map((o) => {
    const m = metaOf(o);
    let rules = objs(o.rules).map(normaliseRule);
    const aggregation = obj(o.aggregationRule);
    const selectors = objs(aggregation.clusterRoleSelectors);
    const aggregated = kind === 'ClusterRole' && selectors.length > 0;
    if (aggregated && rules.length === 0) {
      for (const other of all) {
        if (other === o) continue;
        const labels = metaOf(other).labels;
        if (selectors.some((s) => labelsMatch(labels, s)))
          rules = rules.concat(objs(other.rules).map(normaliseRule));
      }
    }
    return {
      kind,
      ...(m.namespace !== undefined ? { namespace: m.namespace } : {}),
      name: m.name,
      uid: m.uid,
      labels: m.labels,
      annotations: m.annotations,
      ...sourceOf(o),
      builtin: isBuiltin(o),
      aggregated,
      rules,
      wildcard: wildcards(rules),
    } as unknown as Obj;
  });
}

export interface Subject {
  kind: string;
  name: string;
  namespace: string | null;
  system: boolean;
}

export function subjectOf(s: Obj, bindingNamespace: string | undefined): Subject {
  const kind = str(s.kind) ?? '';
  const name = str(s.name) ?? '';
  let namespace = strOrNull(s.namespace);
  if (kind === 'ServiceAccount' && !namespace) namespace = bindingNamespace ?? null;
  if (kind !== 'ServiceAccount') namespace = null;
  const system =
    kind === 'ServiceAccount' ? SYSTEM_NAMESPACES.has(namespace ?? '') : name.startsWith('system:');
  return { kind, name, namespace, system };
}

export function buildBindings(kind: 'RoleBinding' | 'ClusterRoleBinding', items: Obj[]): Obj[] {
  return items.map((o) => {
    const m = metaOf(o);
    const roleRef = obj(o.roleRef);
    return {
      kind,
      ...(m.namespace !== undefined ? { namespace: m.namespace } : {}),
      name: m.name,
      uid: m.uid,
      labels: m.labels,
      annotations: m.annotations,
      ...sourceOf(o),
      builtin: isBuiltin(o),
      roleRef: {
        kind: str(roleRef.kind) ?? '',
        name: str(roleRef.name) ?? '',
        apiGroup: str(roleRef.apiGroup) ?? '',
      },
      subjects: objs(o.subjects).map((s) => subjectOf(s, m.namespace)),
    } as unknown as Obj;
  });
}

// ---------------------------------------------------------------------------------------------
// Permission matching
// ---------------------------------------------------------------------------------------------

function matches(list: string[], wanted: string): boolean {
  return list.includes('*') || list.includes(wanted);
}

/** `pods/exec` is matched by `pods/exec`, `*`, and `* /exec` style `*\/exec`. */
function matchesResource(list: string[], wanted: string): boolean {
  if (matches(list, wanted)) return true;
  const slash = wanted.indexOf('/');
  if (slash > 0) return list.includes(`*${wanted.slice(slash)}`);
  return false;
}

export interface Want {
  verbs: string[];
  resources?: string[];
  apiGroups?: string[];
  nonResourceURLs?: string[];
}

/** True when a rule allows any of the verbs on any of the resources in any of the groups (wildcards honoured). */
export function ruleAllows(rule: Rule, want: Want): boolean {
  if (!want.verbs.some((v) => matches(rule.verbs, v))) return false;
  if (want.nonResourceURLs?.length) {
    return want.nonResourceURLs.some((u) =>
      rule.nonResourceURLs.some(
        (r) => r === '*' || r === u || (r.endsWith('*') && u.startsWith(r.slice(0, -1))),
      ),
    );
  }
  const groups = want.apiGroups ?? [''];
  if (!groups.some((g) => matches(rule.apiGroups, g))) return false;
  return (want.resources ?? []).some((res) => matchesResource(rule.resources, res));
}

export const GRANTS: Record<string, Want[]> = {
  secretsRead: [{ verbs: ['get', 'list', 'watch'], resources: ['secrets'] }],
  podsCreate: [{ verbs: ['create'], resources: ['pods'] }],
  workloadsCreate: [
    {
      verbs: ['create'],
      resources: ['deployments', 'daemonsets', 'statefulsets', 'replicasets'],
      apiGroups: ['apps'],
    },
    { verbs: ['create'], resources: ['jobs', 'cronjobs'], apiGroups: ['batch'] },
    { verbs: ['create'], resources: ['replicationcontrollers'] },
  ],
  podsExec: [{ verbs: ['create', 'get'], resources: ['pods/exec', 'pods/attach'] }],
  bind: [{ verbs: ['bind'], resources: ['roles', 'clusterroles'], apiGroups: ['rbac.authorization.k8s.io'] }],
  escalate: [
    { verbs: ['escalate'], resources: ['roles', 'clusterroles'], apiGroups: ['rbac.authorization.k8s.io'] },
  ],
  impersonate: [
    { verbs: ['impersonate'], resources: ['users', 'groups', 'serviceaccounts'] },
    { verbs: ['impersonate'], resources: ['userextras/*', 'uids'], apiGroups: ['authentication.k8s.io'] },
  ],
  persistentVolumesCreate: [{ verbs: ['create'], resources: ['persistentvolumes'] }],
  nodesProxy: [{ verbs: ['get', 'create'], resources: ['nodes/proxy'] }],
  csrApprove: [
    {
      verbs: ['update', 'patch'],
      resources: ['certificatesigningrequests/approval'],
      apiGroups: ['certificates.k8s.io'],
    },
  ],
  webhookConfigsWrite: [
    {
      verbs: ['create', 'update', 'patch', 'delete'],
      resources: ['validatingwebhookconfigurations', 'mutatingwebhookconfigurations'],
      apiGroups: ['admissionregistration.k8s.io'],
    },
  ],
  serviceAccountTokenCreate: [{ verbs: ['create'], resources: ['serviceaccounts/token'] }],
};

function isClusterAdminRules(rules: Rule[]): boolean {
  return rules.some((r) => r.verbs.includes('*') && r.resources.includes('*') && r.apiGroups.includes('*'));
}

export interface RbacInputs {
  roles: Obj[];
  clusterRoles: Obj[];
  roleBindings: Obj[];
  clusterRoleBindings: Obj[];
}

/** The derived `k8s.rbac` view from the four built lists (outputs of buildRoles / buildBindings). */
export function buildRbac(inputs: RbacInputs): Obj {
  const roleRules = new Map<string, Rule[]>();
  for (const r of inputs.roles)
    roleRules.set(`Role/${str(r.namespace)}/${str(r.name)}`, r.rules as unknown as Rule[]);
  for (const r of inputs.clusterRoles)
    roleRules.set(`ClusterRole//${str(r.name)}`, r.rules as unknown as Rule[]);
  const bindings: Obj[] = [];
  interface Acc {
    subject: Subject;
    bindings: string[];
    rules: (Rule & { scope: string; via: string })[];
    clusterAdmin: boolean;
  }
  const subjects = new Map<string, Acc>();
  for (const b of [...inputs.roleBindings, ...inputs.clusterRoleBindings]) {
    const roleRef = obj(b.roleRef);
    const refKind = str(roleRef.kind) ?? '';
    const refName = str(roleRef.name) ?? '';
    const ns = str(b.namespace);
    const key = refKind === 'Role' ? `Role/${ns}/${refName}` : `ClusterRole//${refName}`;
    const rules = roleRules.get(key);
    const clusterAdmin =
      (refKind === 'ClusterRole' && refName === 'cluster-admin') || isClusterAdminRules(rules ?? []);
    const via = `${str(b.kind)} ${ns ? `${ns}/` : ''}${str(b.name)}`;
    bindings.push({
      ...b,
      rules: (rules ?? []) as unknown as Obj[],
      roleFound: rules !== undefined,
      clusterAdmin,
    } as Obj);
    const scope = str(b.kind) === 'ClusterRoleBinding' ? '*' : (ns ?? '*');
    for (const s of objs(b.subjects) as unknown as Subject[]) {
      const id =
        s.kind === 'ServiceAccount' ? `ServiceAccount:${s.namespace}:${s.name}` : `${s.kind}:${s.name}`;
      let acc = subjects.get(id);
      if (!acc) subjects.set(id, (acc = { subject: s, bindings: [], rules: [], clusterAdmin: false }));
      acc.bindings.push(via);
      for (const r of rules ?? []) acc.rules.push({ ...r, scope, via });
      if (clusterAdmin && scope === '*') acc.clusterAdmin = true;
    }
  }
  const subjectList = [...subjects.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([id, acc]) => {
      const grants: Record<string, { cluster: boolean; namespaces: string[] }> = {};
      for (const [name, wants] of Object.entries(GRANTS)) {
        const hit = acc.rules.filter((r) => wants.some((w) => ruleAllows(r, w)));
        grants[name] = {
          cluster: hit.some((r) => r.scope === '*'),
          namespaces: [...new Set(hit.filter((r) => r.scope !== '*').map((r) => r.scope))].sort(),
        };
      }
      const wild = acc.rules.filter(
        (r) => r.verbs.includes('*') || r.resources.includes('*') || r.apiGroups.includes('*'),
      );
      grants.wildcard = {
        cluster: wild.some((r) => r.scope === '*'),
        namespaces: [...new Set(wild.filter((r) => r.scope !== '*').map((r) => r.scope))].sort(),
      };
      return {
        id,
        ...acc.subject,
        bindings: acc.bindings,
        clusterAdmin: acc.clusterAdmin,
        rules: acc.rules,
        grants,
      } as unknown as Obj;
    });
  return { bindings, subjects: subjectList } as Obj;
}
