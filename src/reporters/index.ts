import { UsageError } from '../core/errors.js';
import { jsonReporter } from './json.js';
import { textReporter } from './text.js';
import type { Reporter } from './types.js';

export const REPORTERS: ReadonlyMap<string, Reporter> = new Map(
  [textReporter, jsonReporter].map((r) => [r.id, r]),
);

export function reporter(id: string): Reporter {
  const r = REPORTERS.get(id);
  if (!r)
    throw new UsageError(`unknown format "${id}"`, `choose one of: ${[...REPORTERS.keys()].join(', ')}`);
  return r;
}
