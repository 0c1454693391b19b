/**
 * CSV: one row per finding (RFC 4180, CRLF line ends, UTF-8 without BOM). A result without findings (manual,
 * not applicable, error before any resource was selected) gets one row with empty resource columns so no
 * control is missing. Cells a spreadsheet would read as a formula are prefixed with a single quote.
 */
import type { Finding, Result, ResultsDocument } from '../core/types.js';
import { benchmarkRef, compactJson, sourceLabel, targetIndex } from './common.js';
import type { Reporter } from './types.js';

export const CSV_COLUMNS = [
  'target',
  'target_id',
  'benchmark',
  'control',
  'title',
  'severity',
  'level',
  'control_status',
  'resource_kind',
  'resource_namespace',
  'resource_name',
  'resource_id',
  'source',
  'finding_status',
  'risk',
  'observed',
  'expected',
  'message',
  'waiver',
] as const;

/** OWASP's list of characters that make a spreadsheet evaluate a cell as a formula. */
const FORMULA_START = /^[=+\-@\t\r]/;

/** One RFC 4180 field, neutralised against CSV (formula) injection. */
export function csvCell(value: string | number | undefined): string {
  let s = value === undefined ? '' : String(value);
  if (FORMULA_START.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function row(r: Result, f: Finding | undefined, targetName: string): string {
  const cells: (string | number | undefined)[] = [
    targetName,
    r.target,
    benchmarkRef(r),
    r.controlId,
    r.title,
    r.severity,
    r.level,
    r.status,
    f?.resource.kind,
    f?.resource.namespace,
    f?.resource.name,
    f?.resource.id,
    f ? sourceLabel(f.resource) : undefined,
    f ? f.status : r.status,
    f?.risk,
    f ? compactJson(f.observed) : undefined,
    f ? compactJson(f.expected) : undefined,
    f ? f.message : r.reason,
    f?.waiver ? `${f.waiver.id} (${f.waiver.state}, expires ${f.waiver.expires})` : undefined,
  ];
  return cells.map(csvCell).join(',');
}

export function renderCsv(doc: ResultsDocument): string {
  const target = targetIndex(doc);
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of doc.results) {
    const name = target(r.target).name;
    if (!r.findings.length) lines.push(row(r, undefined, name));
    for (const f of r.findings) lines.push(row(r, f, name));
  }
  return `${lines.join('\r\n')}\r\n`;
}

export const csvReporter: Reporter = {
  id: 'csv',
  extension: 'csv',
  description: 'CSV, one row per finding (spreadsheets, ticket imports)',
  render: (doc) => renderCsv(doc),
};
