/** The API kinds the Kubernetes collectors read, and the source interface they read them through. */
import type { Obj } from './util.js';

export interface KindSpec {
  kind: string;
  group: string;
  version: string;
  plural: string;
  namespaced: boolean;
  /** Not served by every cluster (OpenShift, newer APIs): when the group/version is absent the list is empty. */
  optional?: boolean;
}

const k = (
  kind: string,
  group: string,
  version: string,
  plural: string,
  namespaced: boolean,
  optional = false,
): KindSpec => ({ kind, group, version, plural, namespaced, ...(optional ? { optional } : {}) });

export const KINDS = {
  Namespace: k('Namespace', '', 'v1', 'namespaces', false),
  Node: k('Node', '', 'v1', 'nodes', false),
  Pod: k('Pod', '', 'v1', 'pods', true),
  ServiceAccount: k('ServiceAccount', '', 'v1', 'serviceaccounts', true),
  Service: k('Service', '', 'v1', 'services', true),
  ReplicationController: k('ReplicationController', '', 'v1', 'replicationcontrollers', true),
  Deployment: k('Deployment', 'apps', 'v1', 'deployments', true),
  ReplicaSet: k('ReplicaSet', 'apps', 'v1', 'replicasets', true),
  StatefulSet: k('StatefulSet', 'apps', 'v1', 'statefulsets', true),
  DaemonSet: k('DaemonSet', 'apps', 'v1', 'daemonsets', true),
  Job: k('Job', 'batch', 'v1', 'jobs', true),
  CronJob: k('CronJob', 'batch', 'v1', 'cronjobs', true),
  DeploymentConfig: k('DeploymentConfig', 'apps.openshift.io', 'v1', 'deploymentconfigs', true, true),
  Role: k('Role', 'rbac.authorization.k8s.io', 'v1', 'roles', true),
  ClusterRole: k('ClusterRole', 'rbac.authorization.k8s.io', 'v1', 'clusterroles', false),
  RoleBinding: k('RoleBinding', 'rbac.authorization.k8s.io', 'v1', 'rolebindings', true),
  ClusterRoleBinding: k(
    'ClusterRoleBinding',
    'rbac.authorization.k8s.io',
    'v1',
    'clusterrolebindings',
    false,
  ),
  NetworkPolicy: k('NetworkPolicy', 'networking.k8s.io', 'v1', 'networkpolicies', true),
  Ingress: k('Ingress', 'networking.k8s.io', 'v1', 'ingresses', true),
  ValidatingWebhookConfiguration: k(
    'ValidatingWebhookConfiguration',
    'admissionregistration.k8s.io',
    'v1',
    'validatingwebhookconfigurations',
    false,
  ),
  MutatingWebhookConfiguration: k(
    'MutatingWebhookConfiguration',
    'admissionregistration.k8s.io',
    'v1',
    'mutatingwebhookconfigurations',
    false,
  ),
  ValidatingAdmissionPolicy: k(
    'ValidatingAdmissionPolicy',
    'admissionregistration.k8s.io',
    'v1',
    'validatingadmissionpolicies',
    false,
    true,
  ),
  ValidatingAdmissionPolicyBinding: k(
    'ValidatingAdmissionPolicyBinding',
    'admissionregistration.k8s.io',
    'v1',
    'validatingadmissionpolicybindings',
    false,
    true,
  ),
} as const satisfies Record<string, KindSpec>;

export type KindName = keyof typeof KINDS;
export const KIND_NAMES = Object.keys(KINDS) as KindName[];

/** `deployments.apps`, as Kubernetes names a resource in messages. */
export function resourceName(spec: KindSpec): string {
  return spec.group ? `${spec.plural}.${spec.group}` : spec.plural;
}

/** Where the collectors get their objects from: the live API, manifest files, or nothing (node-only). */
export interface K8sSource {
  mode: 'live' | 'manifests' | 'node';
  /** Every object of a kind (namespace filter applied). Rejects with the reason when it cannot be listed. */
  list(kind: KindName): Promise<Obj[]>;
  /** GET /version; rejects when not available. */
  version(): Promise<Obj>;
  /** One ConfigMap (live only); undefined when absent or unreadable. */
  configMap?(namespace: string, name: string): Promise<Obj | undefined>;
  /** API groups served (live only). */
  groups?(): Promise<Set<string>>;
}
