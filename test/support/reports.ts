import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ResultsDocument } from '../../src/core/types.js';
import type { RenderOptions } from '../../src/reporters/types.js';

export const REPORT_FIXTURE = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  'fixtures',
  'reports',
  'results.json',
);

/**
 * A small fixed results document: two targets (a Docker engine whose name carries markup and quotes, and a
 * manifest directory), a manifest-sourced finding with file and line, a waived finding, an error result and an
 * error finding, a collector failure, a manual attested result, an unscored warning, framework roll-ups with
 * every requirement status, and CSV-formula, newline and control characters in names and messages.
 */
export function reportFixture(): ResultsDocument {
  return JSON.parse(readFileSync(REPORT_FIXTURE, 'utf8')) as ResultsDocument;
}

export const FIXTURE_OPTIONS: RenderOptions = {
  color: false,
  verbose: false,
  assessor: 'Jane Auditor <jane@audit.example>',
  classification: 'CONFIDENTIAL',
  digests: { results: '0'.repeat(64), facts: 'f'.repeat(64) },
};
