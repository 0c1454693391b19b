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
]);

export const FACTSET_SCHEMA_VERSION = '1';
export const RESULTS_SCHEMA_VERSION = '1.0.0';
