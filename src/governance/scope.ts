import type { ScopeRule } from '../scoring/context.js';
import { loadValidatedYaml } from '../definitions/documents.js';

export function loadScope(file: string): ScopeRule[] {
  return loadValidatedYaml<{ rules: ScopeRule[] }>(file, 'scope', 'scope').data.rules;
}
