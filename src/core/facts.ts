/**
 * Fact ids every collector registers under (docs/facts.md). Controls may only name these; an integrity
 * test checks the collector registry against this list.
 */
export const KNOWN_FACTS: ReadonlySet<string> = new Set([
  'docker.engine',
  'docker.containers',
  'docker.images',
  'docker.networks',
  'docker.swarm',
  'host.files',
  'host.daemon',
  'host.audit',
  'host.users',
  'host.mounts',
  'host.env',
  // Kubernetes (docs/facts-k8s.md)
  'k8s.version',
  'k8s.platform',
  'k8s.namespaces',
  'k8s.nodes',
  'k8s.workloads',
  'k8s.pods',
  'k8s.serviceaccounts',
  'k8s.roles',
  'k8s.clusterroles',
  'k8s.rolebindings',
  'k8s.clusterrolebindings',
  'k8s.rbac',
  'k8s.networkpolicies',
  'k8s.services',
  'k8s.ingresses',
  'k8s.webhooks',
  'k8s.admissionpolicies',
  'k8s.controlplane',
  'k8s.nodefiles',
  'k8s.manifests',
]);

export const FACTSET_SCHEMA_VERSION = '1';
export const RESULTS_SCHEMA_VERSION = '1.0.0';
