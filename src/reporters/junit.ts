/**
 * JUnit XML: a test suite per benchmark section (and per target when there are several), a test case per
 * control. fail/warn = failure, error = error, manual/not_applicable/waived = skipped with the reason; every
 * case's system-out carries the evidence. See docs/reports.md.
 */
import type { Result, ResultsDocument, Status } from '../core/types.js';
import { benchmarkRef, compactJson, findingLine, targetIndex } from './common.js';
import type { Reporter } from './types.js';

/** Characters XML 1.0 cannot carry at all (controls other than tab/LF/CR, lone surrogates, U+FFFE/U+FFFF). */
const INVALID_XML =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Makes any string safe for XML: invalid characters are written as visible \uXXXX escapes. */
function xmlSafe(s: string): string {
  return s.replace(INVALID_XML, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function xmlText(s: string): string {
  return xmlSafe(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function xmlAttr(s: string): string {
  return xmlText(s)
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;');
}

function attrs(a: Record<string, string | number>): string {
  return Object.entries(a)
    .map(([k, v]) => ` ${k}="${xmlAttr(String(v))}"`)
    .join('');
}

const FAILURE: ReadonlySet<Status> = new Set(['fail', 'warn']);
const SKIPPED: ReadonlySet<Status> = new Set(['manual', 'not_applicable', 'waived']);
const SKIP_LABEL: Partial<Record<Status, string>> = {
  manual: 'manual review needed',
  not_applicable: 'not applicable',
  waived: 'waived',
};

/** The evidence behind a verdict, as plain text. */
function evidenceText(r: Result): string {
  const lines = [`${r.ref} ${r.status.toUpperCase()}: ${r.reason}`];
  if (r.attestation) {
    const a = r.attestation;
    lines.push(
      `attestation${a.id ? ` ${a.id}` : ''}: ${a.answer} by ${a.attester} on ${a.date}` +
        `${a.expires ? ` (expires ${a.expires})` : ''}${a.expired ? ' EXPIRED' : ''}; evidence: ${a.evidence}` +
        `${a.note ? `; note: ${a.note}` : ''}`,
    );
  }
  for (const f of r.findings) {
    lines.push(findingLine(f));
    lines.push(`  observed: ${compactJson(f.observed)}`);
    lines.push(`  expected: ${compactJson(f.expected)}`);
    if (f.risk !== undefined)
      lines.push(`  risk: ${f.risk}${f.riskFactors?.length ? ` (${f.riskFactors.join(', ')})` : ''}`);
    if (f.waiver) lines.push(`  waiver: ${f.waiver.id} (${f.waiver.state}, expires ${f.waiver.expires})`);
  }
  return lines.join('\n');
}

/** Text inside <failure>/<error>: the findings that are not passing. */
function problemText(r: Result): string {
  const bad = r.findings.filter((f) => f.status !== 'pass' && f.status !== 'not_applicable');
  const lines = [r.reason, ...bad.map(findingLine)];
  if (r.remediation) lines.push('', `Remediation: ${r.remediation.trim()}`);
  return lines.join('\n');
}

function testcase(r: Result, out: string[]): void {
  const classname = `${benchmarkRef(r)}.${r.section ?? r.controlId.split('.')[0]}`;
  out.push(`    <testcase${attrs({ classname, name: `${r.controlId} ${r.title}`, time: '0' })}>`);
  if (FAILURE.has(r.status)) {
    out.push(
      `      <failure${attrs({ message: r.reason, type: r.status })}>${xmlText(problemText(r))}</failure>`,
    );
  } else if (r.status === 'error') {
    out.push(`      <error${attrs({ message: r.reason, type: 'error' })}>${xmlText(problemText(r))}</error>`);
  } else if (SKIPPED.has(r.status)) {
    out.push(`      <skipped${attrs({ message: `${SKIP_LABEL[r.status]}: ${r.reason}` })}/>`);
  }
  out.push(`      <system-out>${xmlText(evidenceText(r))}</system-out>`);
  out.push('    </testcase>');
}

interface Suite {
  name: string;
  benchmark: string;
  section: string;
  target: { id: string; name: string };
  results: Result[];
}

function counts(results: Result[]) {
  return {
    tests: results.length,
    failures: results.filter((r) => FAILURE.has(r.status)).length,
    errors: results.filter((r) => r.status === 'error').length,
    skipped: results.filter((r) => SKIPPED.has(r.status)).length,
  };
}

export function renderJunit(doc: ResultsDocument): string {
  const target = targetIndex(doc);
  const several = new Set(doc.results.map((r) => r.target)).size > 1;
  const suites = new Map<string, Suite>();
  for (const r of doc.results) {
    const section = r.section ?? r.controlId.split('.')[0] ?? '';
    const bench = doc.benchmarks.find((b) => b.id === r.benchmark.id && b.version === r.benchmark.version);
    const key = [r.target, benchmarkRef(r), section].join('\u0000');
    let suite = suites.get(key);
    if (!suite) {
      const t = target(r.target);
      const sectionTitle = bench?.sections?.find((s) => s.id === section)?.title;
      suite = {
        name:
          `${bench?.title ?? benchmarkRef(r)} / ${section}${sectionTitle ? ` ${sectionTitle}` : ''}` +
          (several ? ` [${t.name}]` : ''),
        benchmark: benchmarkRef(r),
        section,
        target: { id: t.id, name: t.name },
        results: [],
      };
      suites.set(key, suite);
    }
    suite.results.push(r);
  }
  const seconds = Math.max(0, (Date.parse(doc.finishedAt) - Date.parse(doc.startedAt)) / 1000) || 0;
  const out = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(
    `<testsuites${attrs({
      name: `Rampart ${doc.tool.version}: ${doc.benchmarks.map((b) => b.title).join(', ')}`,
      ...counts(doc.results),
      time: seconds.toFixed(3),
      timestamp: doc.startedAt,
    })}>`,
  );
  let id = 0;
  for (const s of suites.values()) {
    out.push(
      `  <testsuite${attrs({
        name: s.name,
        id: id++,
        package: s.benchmark,
        hostname: s.target.name,
        ...counts(s.results),
        time: '0',
        timestamp: doc.startedAt,
      })}>`,
    );
    out.push('    <properties>');
    for (const [name, value] of [
      ['benchmark', s.benchmark],
      ['section', s.section],
      ['target', s.target.name],
      ['target.id', s.target.id],
    ]) {
      out.push(`      <property${attrs({ name: name!, value: value! })}/>`);
    }
    out.push('    </properties>');
    for (const r of s.results) testcase(r, out);
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}

export const junitReporter: Reporter = {
  id: 'junit',
  extension: 'xml',
  description: 'JUnit XML for CI test views (suite per benchmark section, case per control)',
  render: (doc) => renderJunit(doc),
};
