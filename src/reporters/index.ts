import { UsageError } from '../core/errors.js';
import { csvReporter } from './csv.js';
import { htmlReporter } from './html.js';
import { jsonReporter } from './json.js';
import { junitReporter } from './junit.js';
import { oscalReporter } from './oscal.js';
import { pdfReporter } from './pdf.js';
import { sarifReporter } from './sarif.js';
import { textReporter } from './text.js';
import type { Reporter } from './types.js';

export const REPORTERS: ReadonlyMap<string, Reporter> = new Map(
  [
    textReporter,
    jsonReporter,
    htmlReporter,
    pdfReporter,
    sarifReporter,
    junitReporter,
    csvReporter,
    oscalReporter,
  ].map((r) => [r.id, r]),
);

export function reporter(id: string): Reporter {
  const r = REPORTERS.get(id);
  if (!r)
    throw new UsageError(`unknown format "${id}"`, `choose one of: ${[...REPORTERS.keys()].join(', ')}`);
  return r;
}
