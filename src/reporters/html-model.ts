/**
 * The view model behind the HTML (and so the PDF) report: every figure, label, anchor and chart geometry is
 * computed here, so the Handlebars templates only lay it out. Values that come from the target (names,
 * labels, observed values, messages) are carried as plain strings and escaped by Handlebars' `{{ }}`; the
 * templates never use the unescaped `{{{ }}}` form. Anchors are built from indices and sanitised slugs,
 * never from raw target data.
 */
import { createHash } from 'node:crypto';
import type {
  AttestationRecord,
  FrameworkRollup,
  Gap,
  Finding,
  JsonValue,
  RequirementRollup,
  RequirementStatus,
  Result,
  ResultsDocument,
  Severity,
  Status,
  WaiverRecord,
} from '../core/types.js';
import { SEVERITIES, STATUSES } from '../core/types.js';
import type { RenderOptions } from './types.js';

/** Evidence rows shown per control before "and N more". */
export const DEFAULT_EVIDENCE_ROWS = 25;
/** Characters of one observed or expected value shown before it is cut (the JSON keeps it whole). */
export const VALUE_LIMIT = 160;
/** Supporting-control links shown per requirement before "and N more". */
const SUPPORTING_LIMIT = 12;
/** Requirement links shown per control before "and N more". */
const REQUIREMENT_LINK_LIMIT = 15;

export const STATUS_LABEL: Record<Status, string> = {
  pass: 'Pass',
  fail: 'Fail',
  warn: 'Warn',
  manual: 'Manual',
  not_applicable: 'Not applicable',
  error: 'Error (not checked)',
  waived: 'Waived',
};

export const REQUIREMENT_LABEL: Record<RequirementStatus, string> = {
  met: 'Met',
  not_met: 'Not met',
  partial: 'Partially evidenced',
  needs_attestation: 'Needs attestation',
  not_assessed: 'Not assessed',
};
const REQUIREMENT_ORDER: RequirementStatus[] = [
  'not_met',
  'partial',
  'needs_attestation',
  'met',
  'not_assessed',
];

export const SEVERITY_LABEL: Record<Severity, string> = {
  critical: 'Critical',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
  info: 'Info',
};

const WAIVER_STATE_LABEL: Record<WaiverRecord['state'], [string, string]> = {
  applied: ['Applied', ''],
  unused: ['Unused', 'matched no failing finding'],
  expired: ['EXPIRED', 'its findings count as failures'],
  'expired-unused': ['Expired, unused', 'matched nothing'],
};

const ATTESTATION_STATE_LABEL: Record<AttestationRecord['state'], [string, string]> = {
  applied: ['Applied', ''],
  expired: ['EXPIRED', 'not applied'],
  unused: ['Unused', 'matched no control or requirement'],
  invalid: ['Invalid', 'not applied'],
};

/** Findings listed first in the evidence tables. */
const FINDING_ORDER: Record<Status, number> = {
  fail: 0,
  warn: 1,
  error: 2,
  waived: 3,
  manual: 4,
  not_applicable: 5,
  pass: 6,
};
const BY_FINDING_ORDER = [...STATUSES].sort((a, b) => FINDING_ORDER[a] - FINDING_ORDER[b]);

/** Evidence rows of passing, manual or not-applicable resources printed per control (screen: up to the cap). */
export const PRINT_QUIET_ROWS = 5;
/** Finding statuses always shown up to the cap, on screen and in print. */
const LOUD: ReadonlySet<Status> = new Set(['fail', 'warn', 'error', 'waived']);

/** Control statuses whose details show the rationale and remediation. */
const ACTIONABLE: ReadonlySet<Status> = new Set(['fail', 'warn', 'waived', 'error', 'manual']);

// ---------------------------------------------------------------------------------------------
// Canonical JSON and the evidence digest
// ---------------------------------------------------------------------------------------------

/** JSON with object keys sorted (UTF-16 order) and no whitespace: RFC 8785 for the values Rampart writes. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const s = JSON.stringify(value);
    return s === undefined ? 'null' : s;
  }
  if (Array.isArray(value))
    return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

/** SHA-256 (hex) of the results document in canonical JSON form. */
export function resultsDigest(doc: ResultsDocument): string {
  return createHash('sha256').update(canonicalJson(doc), 'utf8').digest('hex');
}

// ---------------------------------------------------------------------------------------------
// Model types
// ---------------------------------------------------------------------------------------------

/** Text with `code` spans marked, so templates can set them in monospace without raw HTML. */
export interface TextPart {
  text: string;
  code: boolean;
}
export interface Badge {
  label: string;
  cls: string;
}
export interface KeyValue {
  key: string;
  value: string;
  mono?: boolean;
}
export interface Link {
  href: string;
  text: string;
  badge?: Badge;
  note?: string;
  group?: string;
}
export interface TocEntry {
  href: string;
  number: string;
  title: string;
  children: TocEntry[];
}

export interface BarChart {
  title: string;
  desc: string;
  width: number;
  height: number;
  labelWidth: number;
  axis: { x: number; label: string }[];
  axisTop: number;
  axisBottom: number;
  groups: {
    label: string;
    labelY: number;
    lines: { text: string; y: number }[];
    bars: {
      y: number;
      x: number;
      width: number;
      height: number;
      cls: string;
      text: string;
      textX: number;
      textY: number;
    }[];
  }[];
  legend: { x: number; y: number; cls: string; text: string }[];
}

export interface TargetView {
  anchor: string;
  index: number;
  id: string;
  kind: string;
  name: string;
  platform: string;
  details: KeyValue[];
  errors: KeyValue[];
}

export interface EvidenceRow {
  resourceKind: string;
  resourceName: string;
  resourceId: string;
  source: string;
  status: Badge;
  statusKey: Status;
  message: string;
  observed: KeyValue[];
  expected: KeyValue[];
  risk: string;
  factors: string;
  waiver: string;
  waiverHref: string;
}

export interface ControlView {
  anchor: string;
  ref: string;
  controlId: string;
  title: string;
  benchmark: string;
  target: string;
  targetHref: string;
  severity: Badge;
  status: Badge;
  statusKey: Status;
  assessment: string;
  level: number;
  scored: boolean;
  reason: string;
  rationale: TextPart[];
  remediation: TextPart[];
  attestation: string;
  counts: string;
  requirements: { framework: string; links: Link[] }[];
  requirementsMore: number;
  /** Set when every finding expects the same thing: shown once above the table instead of per row. */
  commonExpected: KeyValue[];
  perRowExpected: boolean;
  rows: (EvidenceRow & { printHidden: boolean })[];
  /** Room (mm) the table's header and first row need on paper, so no header is left alone at a page foot. */
  keepMm: number;
  more: number;
  moreText: string;
  /** Rows left out of the printed page (more than that when some shown rows are screen-only). */
  printMore: number;
  printMoreText: string;
  noFindings: boolean;
}

export interface ControlGroup {
  anchor: string;
  title: string;
  controls: ControlView[];
}

export interface RequirementView {
  anchor: string;
  id: string;
  legacy: string;
  title: string;
  status: Badge;
  statusKey: RequirementStatus;
  reason: string;
  attestationNeeded: string;
  attestation: string;
  evidence: { strength: string; links: Link[]; more: string }[];
  noEvidence: boolean;
}

export interface FrameworkView {
  anchor: string;
  number: string;
  id: string;
  version: string;
  title: string;
  legacyVersion: string;
  compliance: string;
  coverage: string;
  counts: { label: string; count: number; badge: Badge }[];
  total: number;
  sections: { title: string; requirements: RequirementView[] }[];
}

export interface GapView {
  rank: number;
  risk: number;
  riskCls: string;
  ref: string;
  controlId: string;
  href: string;
  title: string;
  severity: Badge;
  target: string;
  resources: number;
  examples: string;
  factors: string;
  remediation: TextPart[];
}

export interface ReportModel {
  title: string;
  classification: string;
  assessor: string;
  assessorStated: boolean;
  date: string;
  startedAt: string;
  finishedAt: string;
  asOf: string;
  tool: string;
  schemaVersion: string;
  digest: string;
  /** Digests of the evidence files written with this report (results.json, facts.json), when the CLI gives them. */
  fileDigests: KeyValue[];
  benchmarks: { title: string; id: string; version: string }[];
  frameworkList: { title: string; id: string; version: string }[];
  targets: TargetView[];
  targetSummary: string;
  toc: TocEntry[];
  numbers: Record<string, string>;
  collected: string[];
  summary: {
    posture: string;
    coverage: string;
    coverageCounts: string;
    controls: number;
    failing: number;
    gaps: number;
    findings: number;
    failingFindings: number;
    observations: string[];
    status: { label: string; count: number; badge: Badge }[];
    severity: { label: string; controls: number; findings: number; badge: Badge }[];
    frameworks: { href: string; title: string; compliance: string; coverage: string; counts: string }[];
  };
  charts: { severity: BarChart; status: BarChart; frameworks: BarChart | null };
  topRisks: GapView[];
  /** False when the results carry no gap ranking at all (not the same as "no gaps"). */
  gapsRanked: boolean;
  frameworks: FrameworkView[];
  gaps: GapView[];
  controlGroups: ControlGroup[];
  evidenceCap: number;
  printQuietRows: number;
  waivers: {
    anchor: string;
    id: string;
    control: string;
    resource: string;
    justification: string;
    compensating: string;
    owner: string;
    approver: string;
    approved: string;
    expires: string;
    ticket: string;
    requirement: string;
    matched: number;
    state: Badge;
    stateNote: string;
    flagged: boolean;
  }[];
  waiverFlags: string[];
  attestations: {
    id: string;
    subject: string;
    subjectNote: string;
    subjectHref: string;
    target: string;
    answer: Badge;
    attester: string;
    date: string;
    expires: string;
    evidence: string;
    note: string;
    state: Badge;
    stateNote: string;
    reason: string;
  }[];
  manual: { href: string; ref: string; title: string; target: string; severity: Badge; evidence: string }[];
  needsAttestation: { framework: string; href: string; id: string; title: string; ask: string }[];
  options: KeyValue[];
  targetErrors: { target: string; collector: string; reason: string }[];
  versions: KeyValue[];
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/** A safe fragment id: letters, digits, dot, dash and underscore only. */
export function slug(s: string): string {
  const out = s
    .replace(/[^A-Za-z0-9_.-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
  return out || 'x';
}

function statusBadge(s: Status): Badge {
  return { label: STATUS_LABEL[s], cls: `st-${s}` };
}
function requirementBadge(s: RequirementStatus): Badge {
  return { label: REQUIREMENT_LABEL[s], cls: `rq-${s}` };
}
function severityBadge(s: Severity): Badge {
  return { label: SEVERITY_LABEL[s], cls: `sv-${s}` };
}

function pct(n: number): string {
  const r = Math.round(n * 10) / 10;
  return `${Number.isInteger(r) ? r.toFixed(0) : r.toFixed(1)}%`;
}

function truncate(s: string, limit = VALUE_LIMIT): string {
  // A value only a little over the limit is shown whole rather than cut for a few characters.
  if (s.length <= limit + 40) return s;
  return `${s.slice(0, limit)}… (${s.length - limit} more characters in the JSON results)`;
}

/** One observed or expected value as text: JSON for data; plain for descriptions when `plain`. */
function valueText(v: JsonValue, plain: boolean): string {
  if (plain && typeof v === 'string') return truncate(v);
  return truncate(JSON.stringify(v) ?? 'null');
}

function keyValues(v: JsonValue, plain: boolean): KeyValue[] {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const entries = Object.entries(v);
    if (entries.length === 0) return [{ key: '', value: '{}', mono: true }];
    return entries.map(([k, x]) => ({ key: k === '.' ? '' : k, value: valueText(x, plain), mono: true }));
  }
  return [{ key: '', value: valueText(v, plain), mono: true }];
}

function shortId(id: string, name: string): string {
  if (!id || id === name) return '';
  const m = /^(sha256:)?([0-9a-f]{64})$/.exec(id);
  return m ? `${m[1] ?? ''}${m[2]!.slice(0, 12)}…` : id;
}

function dateOnly(iso: string): string {
  return /^\d{4}-\d{2}-\d{2}/.test(iso) ? iso.slice(0, 10) : iso;
}

function utc(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})/.exec(iso);
  return m ? `${m[1]} ${m[2]} UTC` : iso;
}

function optionText(v: JsonValue): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v.join(', ');
  return JSON.stringify(v);
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * A generous estimate of an evidence row's printed height in millimetres (A4, the print stylesheet's
 * column widths and font sizes), from how many lines its longest cell wraps to.
 */
export function rowHeightMm(row: EvidenceRow, withExpected: boolean): number {
  const lines = (text: string, perLine: number) => Math.max(1, Math.ceil(text.length / perLine));
  const obsWidth = withExpected ? 44 : 70;
  const kv = (list: KeyValue[], perLine: number) =>
    list.reduce((n, x) => n + lines(`${x.key} ${x.value}`, perLine), 0);
  const observed =
    (row.message ? lines(row.message, obsWidth + 4) : 0) +
    kv(row.observed, obsWidth) +
    (row.factors ? lines(`Risk factors: ${row.factors}`, obsWidth + 4) : 0);
  const expected = withExpected ? kv(row.expected, 30) : 0;
  const resource =
    lines(`${row.resourceKind} ${row.resourceName}`, 22) +
    (row.resourceId ? lines(row.resourceId, 24) : 0) +
    (row.source ? lines(row.source, 24) : 0);
  const status = 1 + (row.risk ? 1 : 0) + (row.waiver ? lines(row.waiver, 16) : 0);
  return Math.ceil(Math.max(observed, expected, resource, status) * 4.2 + 4);
}

/** Split on `backtick` code spans (as written in control remediation texts). */
export function textParts(s: string): TextPart[] {
  if (!s) return [];
  const parts: TextPart[] = [];
  const re = /`([^`\n]+)`/g;
  let last = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    if (m.index > last) parts.push({ text: s.slice(last, m.index), code: false });
    parts.push({ text: m[1]!, code: true });
    last = m.index + m[0].length;
  }
  if (last < s.length) parts.push({ text: s.slice(last), code: false });
  return parts;
}

/** A requirement's reason without the attestation text it repeats at its end (shown separately). */
function reasonWithoutAsk(reason: string, ask: string | undefined): string {
  const at = ask ? reason.indexOf(ask) : -1;
  if (!ask || at < 0) return reason;
  const head = reason.slice(0, at).replace(/[\s:;,-]+$/, '');
  const tail = reason.slice(at + ask.length).trim();
  return tail ? `${head} ${tail}` : head;
}

function riskClass(risk: number): string {
  if (risk >= 80) return 'risk-critical';
  if (risk >= 60) return 'risk-high';
  if (risk >= 40) return 'risk-medium';
  return 'risk-low';
}

// ---------------------------------------------------------------------------------------------
// Charts (geometry only; the template draws it)
// ---------------------------------------------------------------------------------------------

/** Break a label into at most two lines of about `max` characters. */
function labelLines(label: string, max: number): string[] {
  if (label.length <= max) return [label];
  const words = label.split(' ');
  let first = '';
  while (words.length && `${first} ${words[0]}`.trim().length <= max)
    first = `${first} ${words.shift()}`.trim();
  if (!first) first = words.shift() ?? '';
  const rest = words.join(' ');
  return [first, rest.length > max ? `${rest.slice(0, max - 1)}…` : rest].filter(Boolean);
}

function barChart(
  title: string,
  desc: string,
  rows: { label: string; bars: { value: number; cls: string; text: string }[] }[],
  max: number,
  opts: {
    percent?: boolean;
    legend?: { cls: string; text: string }[];
    labelWidth?: number;
    width?: number;
    textRoom?: number;
  } = {},
): BarChart {
  const chartWidth = opts.width ?? 680;
  const labelWidth = opts.labelWidth ?? 150;
  const textRoom = opts.textRoom ?? 120;
  const plot = chartWidth - labelWidth - textRoom;
  const barH = 15;
  const gap = 3;
  const groupGap = rows.some((r) => r.bars.length > 1) ? 14 : 5;
  const top = opts.legend ? 26 : 6;
  const maxChars = Math.max(8, Math.floor(labelWidth / 6.4));
  let y = top;
  const groups: BarChart['groups'] = [];
  for (const row of rows) {
    const start = y;
    const bars = row.bars.map((b) => {
      const width = max > 0 ? Math.max(b.value > 0 ? 2 : 0, Math.round((b.value / max) * plot)) : 0;
      const bar = {
        y,
        x: labelWidth,
        width,
        height: barH,
        cls: b.cls,
        text: b.text,
        textX: labelWidth + width + 5,
        textY: y + barH - 3.5,
      };
      y += barH + gap;
      return bar;
    });
    const mid = start + (y - gap - start) / 2;
    const lines = labelLines(row.label, maxChars);
    const labelY = mid + 4 - ((lines.length - 1) * 13) / 2;
    y += groupGap - gap;
    groups.push({
      label: row.label,
      labelY,
      lines: lines.map((text, i) => ({ text, y: labelY + i * 13 })),
      bars,
    });
  }
  const axisBottom = y - groupGap + 4;
  const axis = opts.percent
    ? [0, 25, 50, 75, 100].map((p) => ({ x: labelWidth + Math.round((p / 100) * plot), label: `${p}%` }))
    : [];
  const legend = (opts.legend ?? []).map((l, i) => ({
    x: labelWidth + i * 170,
    y: 4,
    cls: l.cls,
    text: l.text,
  }));
  return {
    title,
    desc,
    width: chartWidth,
    height: axisBottom + (axis.length ? 18 : 4),
    labelWidth,
    axis,
    axisTop: top - 4,
    axisBottom,
    groups,
    legend,
  };
}

// ---------------------------------------------------------------------------------------------
// Building the model
// ---------------------------------------------------------------------------------------------

function resultKey(ref: string, target: string): string {
  return `${ref}\u0000${target}`;
}

function describeCollection(kinds: Set<string>): string[] {
  const out: string[] = [];
  if (kinds.has('docker'))
    out.push(
      'Docker hosts: the engine API was read with GET requests only (engine info, every container and image inspected once), and host files, the daemon command line and configuration, audit rules, groups and mounts were read from the host root. Nothing on the target was changed.',
    );
  if ([...kinds].some((k) => k === 'kubernetes' || k === 'k8s'))
    out.push(
      'Kubernetes clusters: the API was read with GET and list requests only (paginated), manifests were parsed from files, and node files and processes were read from a read-only node root. Secret data is never read.',
    );
  const other = [...kinds].filter((k) => !['docker', 'kubernetes', 'k8s'].includes(k));
  if (other.length)
    out.push(`Other targets (${other.join(', ')}): configuration facts were read with read-only requests.`);
  out.push(
    'The collected facts are kept as a fact set, so the assessment can be re-performed offline from the same evidence. Secret values (container environment values, values set by ENV and ARG in image history) are redacted when collected and stay redacted in every report.',
  );
  return out;
}

export function buildReportModel(doc: ResultsDocument, opts: RenderOptions): ReportModel {
  const cap = Math.max(1, opts.maxFindings ?? DEFAULT_EVIDENCE_ROWS);
  const printQuietRows = Math.min(cap, PRINT_QUIET_ROWS);
  const targetIndex = new Map(doc.targets.map((t, i) => [t.id, i]));
  const targetName = new Map(doc.targets.map((t) => [t.id, t.name]));
  const multiTarget = doc.targets.length > 1;
  const multiBenchmark = doc.benchmarks.length > 1;
  const frameworks = doc.frameworks ?? [];
  const gapsAll = doc.gaps ?? [];

  // Section numbering (also the table of contents).
  const numbers: Record<string, string> = {};
  const toc: TocEntry[] = [];
  let n = 0;
  const add = (key: string, title: string, children: TocEntry[] = []) => {
    n += 1;
    numbers[key] = String(n);
    toc.push({ href: `#sec-${key}`, number: String(n), title, children });
  };
  add('scope', 'Scope and methodology');
  add('summary', 'Executive summary');
  const fwAnchors = frameworks.map((_, i) => `fw-${i + 1}`);
  frameworks.forEach((f, i) => add(fwAnchors[i]!, `Framework: ${f.title}`));
  add('gaps', 'Ranked gaps and remediation');
  const controlsToc: TocEntry[] = [];
  add('controls', 'Control details and evidence', controlsToc);
  add('waivers', 'Waiver register');
  add('attestations', 'Attestations');
  add('manual', 'Manual controls awaiting review');
  add('signoff', 'Sign-off');
  add('appendix', 'Appendix: versions, options and digests');

  // Control anchors, one per result (control × target).
  const controlAnchor = new Map<string, string>();
  const used = new Set<string>();
  for (const r of doc.results) {
    const ti = targetIndex.get(r.target) ?? 0;
    let a = `ctl-${slug(`${r.benchmark.id}-${r.benchmark.version}-${r.controlId}`)}${multiTarget ? `-t${ti + 1}` : ''}`;
    if (used.has(a)) a = `${a}-${used.size}`;
    used.add(a);
    controlAnchor.set(resultKey(r.ref, r.target), a);
  }
  const anchorFor = (ref: string, target: string): string => {
    const direct = controlAnchor.get(resultKey(ref, target));
    if (direct) return `#${direct}`;
    // Gaps name the target by name; resolve it.
    const t = doc.targets.find((x) => x.name === target);
    const byName = t ? controlAnchor.get(resultKey(ref, t.id)) : undefined;
    return byName ? `#${byName}` : `#sec-controls`;
  };
  const shortRef = (ref: string): string => (multiBenchmark ? ref : (ref.split('/').pop() ?? ref));

  const waiverAnchor = new Map((doc.waivers ?? []).map((w, i) => [w.id, `waiver-${i + 1}-${slug(w.id)}`]));

  // Requirement anchors and the reverse map control -> requirements it gives evidence for.
  const reqAnchor = new Map<string, string>();
  const byControl = new Map<string, Link[]>();
  frameworks.forEach((f, fi) => {
    f.requirements.forEach((q, qi) => {
      const a = `req-${fi + 1}-${qi + 1}-${slug(q.id)}`;
      reqAnchor.set(`${f.id}\u0000${q.id}`, a);
      for (const e of q.evidence) {
        const k = resultKey(e.ref, e.target);
        const list = byControl.get(k) ?? [];
        list.push({ href: `#${a}`, text: q.id, note: e.strength, group: f.title });
        byControl.set(k, list);
      }
    });
  });

  // Targets
  const targets: TargetView[] = doc.targets.map((t, i) => {
    const meta = t.meta ?? {};
    const details: KeyValue[] = Object.entries(meta)
      .filter(([, v]) => v !== null && typeof v !== 'object')
      .map(([k, v]) => ({ key: k, value: String(v) }));
    return {
      anchor: `target-${i + 1}`,
      index: i + 1,
      id: t.id,
      kind: t.kind,
      name: t.name,
      platform: t.platform ?? '',
      details,
      errors: Object.entries(t.errors ?? {}).map(([k, v]) => ({ key: k, value: v })),
    };
  });

  // Summary
  const byStatus = doc.summary.byStatus;
  const allFindings = doc.results.reduce((s, r) => s + r.findings.length, 0);
  const failingFindingsBySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<
    Severity,
    number
  >;
  let failingFindings = 0;
  for (const r of doc.results)
    for (const f of r.findings)
      if (f.status === 'fail') {
        failingFindings += 1;
        failingFindingsBySeverity[r.severity] += 1;
      }
  const failingControls = (byStatus.fail ?? 0) + (byStatus.warn ?? 0);
  const scores = doc.scores;
  const automated = doc.results.filter((r) => r.assessment === 'automated' && r.status !== 'not_applicable');
  const checked = automated.filter((r) => r.status !== 'error').length;
  const coverageValue = scores ? scores.coverage : automated.length ? (checked / automated.length) * 100 : 0;
  const coverageCounts = scores
    ? `${scores.counts.checked} of ${scores.counts.applicable} applicable automated controls checked`
    : `${checked} of ${automated.length} applicable automated controls checked`;

  const statusRows = STATUSES.map((s) => ({
    label: STATUS_LABEL[s],
    count: byStatus[s] ?? 0,
    badge: statusBadge(s),
  }));
  const severityRows = SEVERITIES.map((s) => ({
    label: SEVERITY_LABEL[s],
    controls: doc.summary.bySeverity[s] ?? 0,
    findings: failingFindingsBySeverity[s],
    badge: severityBadge(s),
  }));

  const observations: string[] = [];
  observations.push(
    `${plural(doc.summary.total, 'control result')} on ${plural(doc.targets.length, 'target')}: ${byStatus.pass ?? 0} pass, ${byStatus.fail ?? 0} fail${byStatus.warn ? `, ${byStatus.warn} warn (unscored)` : ''}, ${byStatus.waived ?? 0} waived, ${byStatus.manual ?? 0} await manual review, ${byStatus.error ?? 0} could not be checked and ${byStatus.not_applicable ?? 0} are not applicable.`,
  );
  const critHigh = (doc.summary.bySeverity.critical ?? 0) + (doc.summary.bySeverity.high ?? 0);
  if (critHigh)
    observations.push(
      `${plural(critHigh, 'failing control')} ${critHigh === 1 ? 'is' : 'are'} of critical or high severity; the highest-ranked gap is ${gapsAll[0] ? `${shortRef(gapsAll[0].ref)} “${gapsAll[0].title}” (risk ${gapsAll[0].risk})` : 'listed below'}.`,
    );
  if ((byStatus.error ?? 0) > 0)
    observations.push(
      `${plural(byStatus.error ?? 0, 'control')} could not be checked (error) and ${byStatus.error === 1 ? 'is' : 'are'} NOT counted as passing; coverage is ${pct(coverageValue)}.`,
    );
  const expiredWaivers = (doc.waivers ?? []).filter((w) => w.state === 'expired');
  if (expiredWaivers.length)
    observations.push(
      `${plural(expiredWaivers.length, 'waiver')} expired and no longer cover${expiredWaivers.length === 1 ? 's' : ''} ${expiredWaivers.length === 1 ? 'its' : 'their'} findings, which count as failures: ${expiredWaivers.map((w) => w.id).join(', ')}.`,
    );
  for (const f of frameworks)
    observations.push(
      `${f.title}: ${pct(f.compliance)} of in-scope requirements met, with automated evidence reaching ${pct(f.coverage)} of its requirements; ${f.counts.not_met} not met, ${f.counts.needs_attestation} need attestation.`,
    );

  // Charts
  const sevChart = barChart(
    'Failing controls by severity',
    `Failing controls by severity: ${severityRows.map((r) => `${r.label} ${r.controls}`).join(', ')}.`,
    severityRows.map((r) => ({
      label: r.label,
      bars: [
        { value: r.controls, cls: r.badge.cls, text: `${r.controls} (${plural(r.findings, 'finding')})` },
      ],
    })),
    Math.max(1, ...severityRows.map((r) => r.controls)),
    { labelWidth: 64, width: 330, textRoom: 100 },
  );
  const statusChart = barChart(
    'Control results by status',
    `Control results by status: ${statusRows.map((r) => `${r.label} ${r.count}`).join(', ')}.`,
    statusRows.map((r) => ({
      label: r.label,
      bars: [{ value: r.count, cls: r.badge.cls, text: String(r.count) }],
    })),
    Math.max(1, ...statusRows.map((r) => r.count)),
    { labelWidth: 138, width: 330, textRoom: 36 },
  );
  const fwChart = frameworks.length
    ? barChart(
        'Framework compliance and coverage',
        `Per framework, compliance (requirements met of those in scope) beside coverage (requirements reached by automated evidence): ${frameworks.map((f) => `${f.title} compliance ${pct(f.compliance)}, coverage ${pct(f.coverage)}`).join('; ')}.`,
        frameworks.map((f) => ({
          label: f.title,
          bars: [
            { value: f.compliance, cls: 'bar-compliance', text: `compliance ${pct(f.compliance)}` },
            { value: f.coverage, cls: 'bar-coverage', text: `coverage ${pct(f.coverage)}` },
          ],
        })),
        100,
        {
          percent: true,
          labelWidth: 210,
          textRoom: 130,
          legend: [
            { cls: 'bar-compliance', text: 'Compliance (met)' },
            { cls: 'bar-coverage', text: 'Coverage (evidence)' },
          ],
        },
      )
    : null;

  // Gaps
  const gapView = (g: Gap): GapView => ({
    rank: g.rank,
    risk: g.risk,
    riskCls: riskClass(g.risk),
    ref: g.ref,
    controlId: shortRef(g.ref),
    href: anchorFor(g.ref, g.target),
    title: g.title,
    severity: severityBadge(g.severity),
    target: g.target,
    resources: g.resources,
    examples:
      g.examples.join(', ') +
      (g.resources > g.examples.length ? ` and ${g.resources - g.examples.length} more` : ''),
    factors: g.factors.join(', '),
    remediation: textParts(g.remediation ?? ''),
  });

  // Frameworks
  const frameworkViews: FrameworkView[] = frameworks.map((f: FrameworkRollup, fi) => {
    const sections: FrameworkView['sections'] = [];
    const bySection = new Map<string, RequirementView[]>();
    f.requirements.forEach((q: RequirementRollup) => {
      const evidence: RequirementView['evidence'] = [];
      for (const strength of ['direct', 'partial', 'supporting'] as const) {
        const items = q.evidence
          .filter((e) => e.strength === strength)
          .sort((a, b) => FINDING_ORDER[a.status] - FINDING_ORDER[b.status]);
        if (!items.length) continue;
        const limit = strength === 'supporting' ? SUPPORTING_LIMIT : Infinity;
        const shown = items.slice(0, limit);
        evidence.push({
          strength,
          links: shown.map((e) => ({
            href: anchorFor(e.ref, e.target),
            text: `${shortRef(e.ref)}${multiTarget ? ` (${targetName.get(e.target) ?? e.target})` : ''}`,
            badge: statusBadge(e.status),
          })),
          more:
            items.length > shown.length
              ? `and ${items.length - shown.length} more supporting control results (listed in the JSON results)`
              : '',
        });
      }
      const att = q.attestation;
      const view: RequirementView = {
        anchor: reqAnchor.get(`${f.id}\u0000${q.id}`) ?? `req-${fi + 1}`,
        id: q.id,
        legacy: q.legacy?.length ? q.legacy.join(', ') : '',
        title: q.title,
        status: requirementBadge(q.status),
        statusKey: q.status,
        reason: att && q.reason.includes(att.evidence) ? '' : reasonWithoutAsk(q.reason, q.attestationNeeded),
        // What must be attested is shown unless a live attestation answers it.
        attestationNeeded: att && !att.expired ? '' : (q.attestationNeeded ?? ''),
        attestation: att
          ? `Attested ${att.answer.replace('_', ' ')} by ${att.attester} on ${att.date}${att.expired ? ' (EXPIRED)' : ''}; evidence: ${att.evidence}`
          : '',
        evidence,
        noEvidence: evidence.length === 0,
      };
      const key = q.section ?? '';
      if (!bySection.has(key)) {
        bySection.set(key, []);
        sections.push({ title: key, requirements: bySection.get(key)! });
      }
      bySection.get(key)!.push(view);
    });
    for (const s of sections) s.title = s.title ? `Section ${s.title}` : 'Requirements';
    return {
      anchor: `sec-${fwAnchors[fi]}`,
      number: numbers[fwAnchors[fi]!]!,
      id: f.id,
      version: f.version,
      title: f.title,
      legacyVersion: f.legacyVersion ?? '',
      compliance: pct(f.compliance),
      coverage: pct(f.coverage),
      counts: REQUIREMENT_ORDER.map((s) => ({
        label: REQUIREMENT_LABEL[s],
        count: f.counts[s] ?? 0,
        badge: requirementBadge(s),
      })),
      total: f.counts.total,
      sections,
    };
  });

  // Control details
  const sectionTitle = new Map<string, string>();
  for (const b of doc.benchmarks)
    for (const s of b.sections ?? []) sectionTitle.set(`${b.id}@${b.version}\u0000${s.id}`, s.title);
  const benchmarkTitle = new Map(doc.benchmarks.map((b) => [`${b.id}@${b.version}`, b.title]));
  const groups: ControlGroup[] = [];
  const groupIndex = new Map<string, ControlGroup>();
  for (const r of doc.results) {
    const bkey = `${r.benchmark.id}@${r.benchmark.version}`;
    const top = (r.section ?? r.controlId).split('.')[0] ?? '';
    const gkey = `${bkey}\u0000${r.target}\u0000${top}`;
    let g = groupIndex.get(gkey);
    if (!g) {
      const prefix = [
        multiBenchmark ? (benchmarkTitle.get(bkey) ?? bkey) : '',
        multiTarget ? (targetName.get(r.target) ?? r.target) : '',
      ]
        .filter(Boolean)
        .join(' — ');
      const st = sectionTitle.get(`${bkey}\u0000${top}`) ?? '';
      g = {
        anchor: `grp-${groups.length + 1}`,
        title: `${prefix ? `${prefix}: ` : ''}${top}${st ? ` ${st}` : ''}`,
        controls: [],
      };
      groups.push(g);
      groupIndex.set(gkey, g);
    }
    g.controls.push(controlView(r));
  }

  for (const g of groups)
    controlsToc.push({ href: `#${g.anchor}`, number: '', title: g.title, children: [] });

  function controlView(r: Result): ControlView {
    const sorted = [...r.findings].sort(
      (a, b) => FINDING_ORDER[a.status] - FINDING_ORDER[b.status] || (b.risk ?? 0) - (a.risk ?? 0),
    );
    const shown = sorted.slice(0, cap);
    const more = sorted.length - shown.length;
    // In print, resources that pass (or await review, or do not apply) are sampled more sparingly than
    // failing ones, so a large estate stays readable on paper; the screen shows up to the cap.
    let quiet = 0;
    const printHidden = shown.map((f) => !LOUD.has(f.status) && ++quiet > printQuietRows);
    const printMore = more + printHidden.filter(Boolean).length;
    const countsOf = (list: Finding[]) =>
      BY_FINDING_ORDER.map((s) => [s, list.filter((f) => f.status === s).length] as const)
        .filter(([, c]) => c > 0)
        .map(([s, c]) => `${c} ${STATUS_LABEL[s].toLowerCase()}`)
        .join(', ');
    const moreText = (list: Finding[]) =>
      `and ${list.length} more (${countsOf(list)}) — full evidence in the JSON results and evidence bundle`;
    const counts = countsOf(r.findings);
    const reqs = byControl.get(resultKey(r.ref, r.target)) ?? [];
    const reqGroups: { framework: string; links: Link[] }[] = [];
    for (const l of reqs.slice(0, REQUIREMENT_LINK_LIMIT)) {
      const fw = l.group ?? '';
      let g = reqGroups.find((x) => x.framework === fw);
      if (!g) reqGroups.push((g = { framework: fw, links: [] }));
      g.links.push(l);
    }
    const expectedKeys = new Set(r.findings.map((f) => canonicalJson(f.expected)));
    const common = r.findings.length > 1 && expectedKeys.size === 1;
    const att = r.attestation;
    const rows = shown.map((f, i) => ({ ...evidenceRow(f, r), printHidden: printHidden[i]! }));
    // Why it matters and how to fix it are shown where there is something to act on.
    const actionable = ACTIONABLE.has(r.status);
    return {
      anchor: controlAnchor.get(resultKey(r.ref, r.target)) ?? 'ctl',
      ref: r.ref,
      controlId: r.controlId,
      title: r.title,
      benchmark: benchmarkTitle.get(`${r.benchmark.id}@${r.benchmark.version}`) ?? r.ref,
      target: targetName.get(r.target) ?? r.target,
      targetHref: `#target-${(targetIndex.get(r.target) ?? 0) + 1}`,
      severity: severityBadge(r.severity),
      status: statusBadge(r.status),
      statusKey: r.status,
      assessment: r.assessment === 'manual' ? 'Manual' : 'Automated',
      level: r.level,
      scored: r.scored,
      reason: r.reason,
      rationale: actionable ? textParts(r.rationale ?? '') : [],
      remediation: actionable ? textParts(r.remediation ?? '') : [],
      attestation: att
        ? `Attested ${att.answer.replace('_', ' ')} by ${att.attester} on ${att.date}${att.expires ? `, valid until ${att.expires}` : ''}${att.expired ? ' (EXPIRED, not applied)' : ''}. Evidence: ${att.evidence}${att.note ? `. ${att.note}` : ''}`
        : '',
      counts: r.findings.length ? `${plural(r.findings.length, 'resource')} evaluated: ${counts}` : '',
      requirements: reqGroups,
      requirementsMore: Math.max(0, reqs.length - REQUIREMENT_LINK_LIMIT),
      commonExpected: common ? keyValues(r.findings[0]!.expected, true) : [],
      perRowExpected: !common,
      rows,
      keepMm: rows[0] ? Math.min(150, 14 + rowHeightMm(rows[0], !common)) : 0,
      more,
      moreText: more ? moreText(sorted.slice(cap)) : '',
      printMore,
      printMoreText:
        printMore > more ? moreText([...shown.filter((_, i) => printHidden[i]), ...sorted.slice(cap)]) : '',
      noFindings: r.findings.length === 0,
    };
  }

  function evidenceRow(f: Finding, r: Result): EvidenceRow {
    const res = f.resource;
    const name = res.namespace ? `${res.namespace}/${res.name}` : res.name;
    const src = res.source
      ? `${res.source.file}${res.source.line ? `:${res.source.line}` : ''}${res.source.document !== undefined ? ` (document ${res.source.document})` : ''}`
      : '';
    const w = f.waiver;
    return {
      resourceKind: res.kind,
      resourceName: name,
      resourceId: res.id === r.target ? '' : shortId(res.id, res.name),
      source: src,
      status: statusBadge(f.status),
      statusKey: f.status,
      // Passing and manual findings' messages only restate the observed values shown beside them.
      message: f.status === 'pass' || f.status === 'manual' ? '' : truncate(f.message, 600),
      observed: keyValues(f.observed, false),
      expected: keyValues(f.expected, true),
      risk:
        f.risk !== undefined && (f.status === 'fail' || f.status === 'waived' || f.status === 'warn')
          ? String(f.risk)
          : '',
      factors: f.status === 'pass' ? '' : (f.riskFactors ?? []).join('; '),
      waiver: w
        ? w.state === 'active'
          ? `Waived under ${w.id} until ${w.expires}`
          : `Waiver ${w.id} EXPIRED on ${w.expires}`
        : '',
      waiverHref: w ? `#${waiverAnchor.get(w.id) ?? 'sec-waivers'}` : '',
    };
  }

  // Waivers
  const waivers = (doc.waivers ?? []).map((w) => ({
    anchor: waiverAnchor.get(w.id) ?? 'waiver',
    id: w.id,
    control: w.control,
    resource: w.resource
      ? Object.entries(w.resource)
          .map(([k, v]) => `${k}: ${v}`)
          .join(', ')
      : 'all resources',
    justification: w.justification,
    compensating: w.compensatingControl ?? '',
    owner: w.owner,
    approver: w.approver,
    approved: w.approved ?? '',
    expires: w.expires,
    ticket: w.ticket ?? '',
    requirement: w.requirement ?? '',
    matched: w.matched,
    state: { label: WAIVER_STATE_LABEL[w.state][0], cls: `wv-${w.state}` },
    stateNote: WAIVER_STATE_LABEL[w.state][1],
    flagged: w.state !== 'applied',
  }));
  const waiverFlags = (doc.waivers ?? [])
    .filter((w) => w.state !== 'applied')
    .map((w) =>
      w.state === 'expired'
        ? `${w.id} (${w.control}) expired on ${w.expires}; its ${plural(w.matched, 'finding')} count as failures.`
        : w.state === 'unused'
          ? `${w.id} (${w.control}) matched no failing finding; review whether it is still needed.`
          : `${w.id} (${w.control}) expired on ${w.expires} and matched nothing; remove it from the register.`,
    );

  // Attestations
  const attestations = (doc.attestations ?? []).map((a) => {
    let subject = a.control ?? a.requirement ?? '';
    let subjectNote = '';
    let href = '';
    if (a.control) {
      const target = a.target ?? doc.results.find((r) => r.ref === a.control)?.target ?? '';
      href = anchorFor(a.control, target);
      subject = shortRef(a.control);
    } else if (a.requirement) {
      const [fwPart, reqId] = a.requirement.split('/');
      const fwId = (fwPart ?? '').split('@')[0] ?? '';
      const anchor = reqAnchor.get(`${fwId}\u0000${reqId ?? ''}`);
      href = anchor ? `#${anchor}` : '';
      const fw = frameworks.find((f) => f.id === fwId);
      if (reqId) {
        subject = reqId;
        subjectNote = fw ? fw.title : (fwPart ?? '');
      }
    }
    return {
      id: a.id ?? '',
      subject,
      subjectNote,
      subjectHref: href,
      target: a.target ? (targetName.get(a.target) ?? a.target) : '',
      answer: {
        label: a.answer === 'not_applicable' ? 'Not applicable' : a.answer === 'pass' ? 'Pass' : 'Fail',
        cls: `st-${a.answer}`,
      },
      attester: a.attester,
      date: a.date,
      expires: a.expires ?? '',
      evidence: a.evidence,
      note: a.note ?? '',
      state: { label: ATTESTATION_STATE_LABEL[a.state][0], cls: `at-${a.state}` },
      stateNote: ATTESTATION_STATE_LABEL[a.state][1],
      reason: a.reason ?? '',
    };
  });

  // Manual controls awaiting review, requirements needing attestation
  const manual = doc.results
    .filter((r) => r.status === 'manual')
    .map((r) => ({
      href: anchorFor(r.ref, r.target),
      ref: shortRef(r.ref),
      title: r.title,
      target: targetName.get(r.target) ?? r.target,
      severity: severityBadge(r.severity),
      evidence: r.findings.length
        ? `${plural(r.findings.length, 'resource')} with collected values`
        : 'none; follow the audit procedure',
    }));
  const needsAttestation = frameworks.flatMap((f, fi) =>
    f.requirements
      .filter((q) => q.status === 'needs_attestation')
      .map((q) => ({
        framework: f.title,
        href: `#${reqAnchor.get(`${f.id}\u0000${q.id}`) ?? `sec-${fwAnchors[fi]}`}`,
        id: q.id,
        title: q.title,
        ask: q.attestationNeeded ?? '',
      })),
  );

  // Appendix
  const options: KeyValue[] = Object.entries(doc.options ?? {}).map(([k, v]) => ({
    key: k,
    value: optionText(v),
  }));
  const targetErrors = doc.targets.flatMap((t) =>
    Object.entries(t.errors ?? {}).map(([collector, reason]) => ({ target: t.name, collector, reason })),
  );
  const digest = resultsDigest(doc);
  const versions: KeyValue[] = [
    { key: 'Tool', value: `${doc.tool.name} ${doc.tool.version}` },
    { key: 'Results schema', value: doc.schemaVersion },
    ...doc.benchmarks.map((b) => ({ key: 'Benchmark', value: `${b.title} (${b.id}@${b.version})` })),
    ...frameworks.map((f) => ({
      key: 'Framework mapping',
      value: `${f.title} (${f.id}@${f.version}${f.legacyVersion ? `, legacy ids from ${f.legacyVersion}` : ''})`,
    })),
  ];

  const asOf = typeof doc.options?.['as-of'] === 'string' ? (doc.options['as-of'] as string) : '';
  const names = doc.targets.map((t) => t.name);
  return {
    title: 'Compliance assessment report',
    classification: (opts.classification ?? 'CONFIDENTIAL').trim() || 'CONFIDENTIAL',
    assessor: opts.assessor?.trim() || 'not stated',
    assessorStated: Boolean(opts.assessor?.trim()),
    date: dateOnly(doc.startedAt),
    startedAt: utc(doc.startedAt),
    finishedAt: utc(doc.finishedAt),
    asOf,
    tool: `${doc.tool.name} ${doc.tool.version}`,
    schemaVersion: doc.schemaVersion,
    digest,
    fileDigests: [
      ...(opts.digests?.results
        ? [{ key: 'results.json (SHA-256 of the file)', value: opts.digests.results }]
        : []),
      ...(opts.digests?.facts
        ? [{ key: 'facts.json (SHA-256 of the fact set)', value: opts.digests.facts }]
        : []),
    ],
    benchmarks: doc.benchmarks.map((b) => ({ title: b.title, id: b.id, version: b.version })),
    frameworkList: frameworks.map((f) => ({ title: f.title, id: f.id, version: f.version })),
    targets,
    targetSummary:
      names.length <= 3 ? names.join(', ') : `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`,
    toc,
    numbers,
    collected: describeCollection(new Set(doc.targets.map((t) => t.kind))),
    summary: {
      posture: scores ? String(scores.posture) : 'n/a',
      coverage: pct(coverageValue),
      coverageCounts,
      controls: doc.summary.total,
      failing: failingControls,
      gaps: gapsAll.length,
      findings: allFindings,
      failingFindings,
      observations,
      status: statusRows,
      severity: severityRows,
      frameworks: frameworks.map((f, i) => ({
        href: `#sec-${fwAnchors[i]}`,
        title: f.title,
        compliance: pct(f.compliance),
        coverage: pct(f.coverage),
        counts: `${f.counts.met} met, ${f.counts.not_met} not met, ${f.counts.partial} partial, ${f.counts.needs_attestation} need attestation, ${f.counts.not_assessed} not assessed (of ${f.counts.total})`,
      })),
    },
    charts: { severity: sevChart, status: statusChart, frameworks: fwChart },
    topRisks: gapsAll.slice(0, 10).map(gapView),
    gapsRanked: doc.gaps !== undefined,
    frameworks: frameworkViews,
    gaps: gapsAll.map(gapView),
    controlGroups: groups,
    evidenceCap: cap,
    printQuietRows,
    waivers,
    waiverFlags,
    attestations,
    manual,
    needsAttestation,
    options,
    targetErrors,
    versions,
  };
}
