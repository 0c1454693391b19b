import type { Result, ResultsDocument, Status } from '../core/types.js';
import { makeStyle, type Style } from './colors.js';
import type { Reporter, RenderOptions } from './types.js';

const LABEL: Record<Status, string> = {
  pass: 'PASS',
  fail: 'FAIL',
  warn: 'WARN',
  manual: 'MANUAL',
  not_applicable: 'N/A',
  error: 'ERROR',
  waived: 'WAIVED',
};

function badge(status: Status, st: Style): string {
  const text = LABEL[status].padEnd(6);
  switch (status) {
    case 'pass':
      return st.green(text);
    case 'fail':
      return st.red(st.bold(text));
    case 'warn':
      return st.yellow(text);
    case 'error':
      return st.magenta(st.bold(text));
    case 'manual':
      return st.blue(text);
    default:
      return st.gray(text);
  }
}

const SHOW_FINDINGS: ReadonlySet<Status> = new Set(['fail', 'warn', 'error']);

function renderResult(r: Result, st: Style, opts: RenderOptions, lines: string[]): void {
  const sev = r.status === 'fail' || r.status === 'warn' ? ` ${st.bold(`[${r.severity}]`)}` : '';
  lines.push(`  ${badge(r.status, st)} ${r.controlId.padEnd(7)} ${r.title}${sev}`);
  const showAll = opts.verbose;
  if (r.status === 'not_applicable' || r.status === 'error' || (r.status === 'pass' && showAll)) {
    lines.push(`         ${st.gray(r.reason)}`);
  }
  if (!SHOW_FINDINGS.has(r.status) && !showAll) return;
  const interesting = showAll ? r.findings : r.findings.filter((f) => SHOW_FINDINGS.has(f.status));
  const max = showAll ? Infinity : (opts.maxFindings ?? 5);
  for (const f of interesting.slice(0, max)) {
    const name = f.resource.namespace ? `${f.resource.namespace}/${f.resource.name}` : f.resource.name;
    const where = f.resource.source
      ? ` (${f.resource.source.file}${f.resource.source.line ? `:${f.resource.source.line}` : ''})`
      : '';
    lines.push(`         ${st.gray('-')} ${f.resource.kind} ${st.bold(name)}${where}: ${f.message}`);
  }
  if (interesting.length > max)
    lines.push(
      `         ${st.gray(`... and ${interesting.length - max} more (see --format json or --verbose)`)}`,
    );
  if (
    (r.status === 'fail' || r.status === 'warn') &&
    r.findings.length &&
    r.findings.length > interesting.length &&
    !showAll
  ) {
    lines.push(`         ${st.gray(`${r.findings.length - interesting.length} other resource(s) passed`)}`);
  }
}

export function renderText(doc: ResultsDocument, opts: RenderOptions): string {
  const st = makeStyle(opts.color);
  const lines: string[] = [];
  lines.push(st.bold(`Rampart ${doc.tool.version}`));
  for (const t of doc.targets) {
    const meta = t.meta ?? {};
    const version = typeof meta.serverVersion === 'string' ? `, engine ${meta.serverVersion}` : '';
    lines.push(`Target: ${t.kind} ${st.bold(t.name)} (${t.id}${version})`);
    for (const [collector, reason] of Object.entries(t.errors ?? {})) {
      lines.push(`  ${st.magenta('!')} ${collector} not collected: ${reason}`);
    }
  }
  for (const b of doc.benchmarks) {
    for (const t of doc.targets) {
      const results = doc.results.filter(
        (r) => r.target === t.id && r.benchmark.id === b.id && r.benchmark.version === b.version,
      );
      if (!results.length) continue;
      lines.push('');
      lines.push(st.bold(`${b.title}${doc.targets.length > 1 ? ` — ${t.name}` : ''}`));
      const titles = new Map((b.sections ?? []).map((x) => [x.id, x.title]));
      const shown = new Set<string>();
      for (const r of results) {
        const parts = (r.section ?? r.controlId.split('.')[0] ?? '').split('.');
        for (let i = 1; i <= parts.length; i++) {
          const id = parts.slice(0, i).join('.');
          if (shown.has(id) || (i > 1 && !titles.has(id))) continue;
          shown.add(id);
          if (i === 1) lines.push('');
          lines.push(st.bold(`${'  '.repeat(i - 1)}${id}  ${titles.get(id) ?? ''}`.trimEnd()));
        }
        renderResult(r, st, opts, lines);
      }
    }
  }
  const s = doc.summary.byStatus;
  lines.push('');
  const sev = Object.entries(doc.summary.bySeverity)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
  lines.push(
    st.bold('Summary: ') +
      `${doc.summary.total} controls — ` +
      [
        st.green(`${s.pass} pass`),
        st.red(`${s.fail} fail`) + (sev ? ` (${sev})` : ''),
        st.yellow(`${s.warn} warn`),
        st.magenta(`${s.error} error`),
        st.blue(`${s.manual} manual`),
        st.gray(`${s.not_applicable} not applicable`),
        ...(s.waived ? [`${s.waived} waived`] : []),
      ].join(', '),
  );
  const automated = doc.results.filter((r) => r.assessment === 'automated' && r.status !== 'not_applicable');
  const checked = automated.filter((r) => r.status !== 'error').length;
  if (automated.length) {
    lines.push(
      `Coverage: ${checked} of ${automated.length} applicable automated controls were checked (${Math.round((checked / automated.length) * 100)}%)` +
        (s.error ? st.magenta(' — controls in error were NOT checked; see their reasons above') : ''),
    );
  }
  if (doc.scores) {
    lines.push(
      `Posture: ${doc.scores.posture}/100 (severity-weighted share of evaluated automated controls that pass; see docs/scoring.md)`,
    );
  }
  if (doc.gaps?.length) {
    const top = doc.gaps.slice(0, opts.verbose ? doc.gaps.length : 10);
    lines.push('', st.bold(`Top gaps by risk (${top.length} of ${doc.gaps.length})`));
    for (const g of top) {
      const where =
        g.resources > 1
          ? `${g.resources} resources, e.g. ${g.examples.slice(0, 3).join(', ')}`
          : (g.examples[0] ?? g.target);
      lines.push(
        `  ${String(g.rank).padStart(2)}. ${st.red(String(g.risk).padStart(3))}  ${g.ref}  ${g.title} [${g.severity}] — ${where}` +
          (g.factors.length ? st.gray(` (${g.factors.join(', ')})`) : ''),
      );
    }
  }
  if (doc.frameworks?.length) {
    lines.push(
      '',
      st.bold('Frameworks (compliance is shown with coverage: how much automated evidence reached)'),
    );
    const width = Math.max(...doc.frameworks.map((f) => f.title.length));
    for (const f of doc.frameworks) {
      const c = f.counts;
      lines.push(
        `  ${f.title.padEnd(width)}  compliance ${String(f.compliance).padStart(5)}%   coverage ${String(f.coverage).padStart(5)}%   ` +
          st.gray(
            `${c.met} met, ${c.not_met} not met, ${c.partial} partial, ${c.needs_attestation} need attestation, ${c.not_assessed} not assessed`,
          ),
      );
    }
  }
  const flagged = (doc.waivers ?? []).filter((w) => w.state !== 'applied');
  for (const w of flagged) {
    const what =
      w.state === 'expired'
        ? st.red(`EXPIRED on ${w.expires}; its ${w.matched} finding(s) count as failures`)
        : w.state === 'unused'
          ? 'matched no failing finding'
          : `expired on ${w.expires} and matched nothing`;
    lines.push(`${st.yellow('Waiver')} ${w.id} (${w.control}): ${what}`);
  }
  for (const a of (doc.attestations ?? []).filter((x) => x.state !== 'applied')) {
    lines.push(
      `${st.yellow('Attestation')} ${a.id ?? a.control ?? a.requirement}: ${a.state}${a.reason ? ` — ${a.reason}` : ''}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

export const textReporter: Reporter = {
  id: 'text',
  extension: 'txt',
  description: 'human-readable summary grouped by section',
  render: renderText,
};
