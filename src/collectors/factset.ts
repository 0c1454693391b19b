import { FACTSET_SCHEMA_VERSION } from '../core/facts.js';
import { TOOL_NAME, toolVersion } from '../core/paths.js';
import type { FactSet, FactTarget } from '../core/types.js';

export function factSetOf(targets: FactTarget[], collectedAt = new Date()): FactSet {
  return {
    schemaVersion: FACTSET_SCHEMA_VERSION,
    collectedAt: collectedAt.toISOString(),
    tool: { name: TOOL_NAME, version: toolVersion() },
    targets,
  };
}
