import { expect } from 'chai';
import {
  buildBindings,
  buildRbac,
  buildRoles,
  ruleAllows,
  subjectOf,
} from '../../../src/collectors/kubernetes/rbac.js';
import type { JsonValue } from '../../../src/core/types.js';
import { CHECKS } from '../../../src/evaluator/checks.js';

type Obj = Record<string, unknown>;

const cr = (name: string, rules: Obj[], labels: Record<string, string> = {}, extra: Obj = {}): Obj => ({
  kind: 'ClusterRole',
  metadata: { name, labels },
  rules,
  ...extra,
});
const crb = (name: string, role: string, subjects: Obj[], labels: Record<string, string> = {}): Obj => ({
  kind: 'ClusterRoleBinding',
  metadata: { name, labels },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
  subjects,
});

const BOOT = { 'kubernetes.io/bootstrapping': 'rbac-defaults' };

function rbac() {
  const clusterRoleObjs = [
    cr('cluster-admin', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }], BOOT),
    cr('secret-reader', [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] }]),
    cr('core-all', [{ apiGroups: [''], resources: ['*'], verbs: ['*'] }]),
    cr('exec', [{ apiGroups: [''], resources: ['*/exec'], verbs: ['create'] }]),
    cr(
      'monitoring',
      [],
      {},
      {
        aggregationRule: {
          clusterRoleSelectors: [{ matchLabels: { 'rbac.example.com/aggregate-to-monitoring': 'true' } }],
        },
      },
    ),
    cr('monitoring-pods', [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }], {
      'rbac.example.com/aggregate-to-monitoring': 'true',
    }),
  ];
  const roleObjs: Obj[] = [
    {
      kind: 'Role',
      metadata: { name: 'deployer', namespace: 'shop' },
      rules: [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['create'] }],
    },
  ];
  const clusterRoles = buildRoles('ClusterRole', clusterRoleObjs);
  const roles = buildRoles('Role', roleObjs);
  const clusterRoleBindings = buildBindings('ClusterRoleBinding', [
    crb('cluster-admin', 'cluster-admin', [{ kind: 'Group', name: 'system:masters' }], BOOT),
    crb('alice-admin', 'cluster-admin', [{ kind: 'User', name: 'alice' }]),
    crb('readers', 'secret-reader', [{ kind: 'Group', name: 'system:authenticated' }]),
    crb('mon', 'monitoring', [{ kind: 'ServiceAccount', name: 'prom', namespace: 'monitoring' }]),
  ]);
  const roleBindings = buildBindings('RoleBinding', [
    {
      kind: 'RoleBinding',
      metadata: { name: 'deployers', namespace: 'shop' },
      roleRef: { kind: 'Role', name: 'deployer' },
      subjects: [{ kind: 'ServiceAccount', name: 'ci' }],
    },
    {
      kind: 'RoleBinding',
      metadata: { name: 'ns-admin', namespace: 'shop' },
      roleRef: { kind: 'ClusterRole', name: 'core-all' },
      subjects: [{ kind: 'ServiceAccount', name: 'ci' }],
    },
    {
      kind: 'RoleBinding',
      metadata: { name: 'local-cluster-admin', namespace: 'dev' },
      roleRef: { kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ kind: 'User', name: 'bob' }],
    },
    {
      kind: 'RoleBinding',
      metadata: { name: 'dangling', namespace: 'dev' },
      roleRef: { kind: 'Role', name: 'gone' },
      subjects: [{ kind: 'User', name: 'bob' }],
    },
  ]);
  return { clusterRoles, roles, clusterRoleBindings, roleBindings };
}

describe('k8s RBAC facts', () => {
  it('normalises roles, marks built-ins and wildcards, and resolves aggregation for manifests', () => {
    const { clusterRoles } = rbac();
    const byName = Object.fromEntries(clusterRoles.map((r) => [r.name as string, r]));
    expect(byName['cluster-admin']).to.include({ builtin: true });
    expect(byName['cluster-admin']?.wildcard).to.deep.equal({
      verbs: true,
      resources: true,
      apiGroups: true,
      any: true,
    });
    expect(byName['secret-reader']?.wildcard).to.include({ any: false });
    expect(byName.monitoring).to.include({ aggregated: true });
    expect(byName.monitoring?.rules).to.deep.equal([
      { apiGroups: [''], resources: ['pods'], verbs: ['get'], resourceNames: [], nonResourceURLs: [] },
    ]);
  });

  it('defaults a ServiceAccount subject to the binding namespace and classifies system subjects', () => {
    expect(subjectOf({ kind: 'ServiceAccount', name: 'ci' }, 'shop')).to.deep.equal({
      kind: 'ServiceAccount',
      name: 'ci',
      namespace: 'shop',
      system: false,
    });
    expect(
      subjectOf({ kind: 'ServiceAccount', name: 'x', namespace: 'kube-system' }, undefined).system,
    ).to.equal(true);
    expect(subjectOf({ kind: 'Group', name: 'system:masters', namespace: 'ignored' }, 'a')).to.deep.equal({
      kind: 'Group',
      name: 'system:masters',
      namespace: null,
      system: true,
    });
  });

  it('resolves bindings to subjects with cluster-admin and grants', () => {
    const view = buildRbac(rbac());
    const subjects = view.subjects as Obj[];
    const byId = Object.fromEntries(subjects.map((s) => [s.id as string, s]));
    expect(Object.keys(byId).sort()).to.deep.equal([
      'Group:system:authenticated',
      'Group:system:masters',
      'ServiceAccount:monitoring:prom',
      'ServiceAccount:shop:ci',
      'User:alice',
      'User:bob',
    ]);
    // non-system subjects bound to cluster-admin cluster-wide
    expect(subjects.filter((s) => !s.system && s.clusterAdmin).map((s) => s.id)).to.deep.equal([
      'User:alice',
    ]);
    expect(byId['User:bob']?.clusterAdmin).to.equal(false);
    const grants = (id: string) =>
      byId[id]?.grants as Record<string, { cluster: boolean; namespaces: string[] }>;
    expect(grants('Group:system:authenticated').secretsRead).to.deep.equal({ cluster: true, namespaces: [] });
    expect(grants('ServiceAccount:shop:ci').secretsRead).to.deep.equal({
      cluster: false,
      namespaces: ['shop'],
    });
    expect(grants('ServiceAccount:shop:ci').workloadsCreate).to.deep.equal({
      cluster: false,
      namespaces: ['shop'],
    });
    expect(grants('ServiceAccount:shop:ci').wildcard).to.deep.equal({ cluster: false, namespaces: ['shop'] });
    expect(grants('User:bob').podsCreate).to.deep.equal({ cluster: false, namespaces: ['dev'] });
    expect(grants('User:alice').csrApprove?.cluster).to.equal(true);
    expect(grants('ServiceAccount:monitoring:prom').secretsRead?.cluster).to.equal(false);
    const bindings = view.bindings as Obj[];
    expect(bindings.find((b) => b.name === 'dangling')).to.include({ roleFound: false });
    expect(bindings.find((b) => b.name === 'local-cluster-admin')).to.include({ clusterAdmin: true });
  });

  it('matches rules with wildcards and subresources', () => {
    const rule = (r: Obj) =>
      ({ apiGroups: [], resources: [], verbs: [], resourceNames: [], nonResourceURLs: [], ...r }) as never;
    expect(
      ruleAllows(rule({ apiGroups: [''], resources: ['*/exec'], verbs: ['create'] }), {
        verbs: ['create'],
        resources: ['pods/exec'],
      }),
    ).to.equal(true);
    expect(
      ruleAllows(rule({ apiGroups: [''], resources: ['pods'], verbs: ['create'] }), {
        verbs: ['create'],
        resources: ['pods/exec'],
      }),
    ).to.equal(false);
    expect(
      ruleAllows(rule({ apiGroups: ['apps'], resources: ['*'], verbs: ['*'] }), {
        verbs: ['get'],
        resources: ['secrets'],
      }),
    ).to.equal(false);
    expect(
      ruleAllows(rule({ nonResourceURLs: ['/metrics*'], verbs: ['get'] }), {
        verbs: ['get'],
        nonResourceURLs: ['/metrics/cadvisor'],
      }),
    ).to.equal(true);
  });

  it('k8s-rbac-allows check: holds on a subject, honours scope: cluster, errors without rules', () => {
    const check = CHECKS.get('k8s-rbac-allows')!;
    const ci = (buildRbac(rbac()).subjects as Obj[]).find((s) => s.id === 'ServiceAccount:shop:ci');
    const scope = { facts: {} as Record<string, JsonValue> };
    expect(check.run(ci, { verbs: ['delete'], resources: ['configmaps'] }, scope).verdict).to.equal('pass');
    expect(
      check.run(ci, { verbs: ['delete'], resources: ['configmaps'], scope: 'cluster' }, scope).verdict,
    ).to.equal('fail');
    expect(
      check.run(ci, { verbs: ['create'], resources: ['deployments'], apiGroups: ['apps'] }, scope).verdict,
    ).to.equal('pass');
    expect(check.run({}, { verbs: ['get'], resources: ['pods'] }, scope).verdict).to.equal('error');
  });
});
