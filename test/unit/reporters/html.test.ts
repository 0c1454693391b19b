/**
 * HTML report: parsed and its structure asserted (sections in order, contents anchors resolve, tables with
 * header cells, no external resource), hostile target values proven inert, redaction kept, evidence capped.
 */
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse, type HTMLElement } from 'node-html-parser';
import type { Finding, ResultsDocument } from '../../../src/core/types.js';
import { canonicalJson, resultsDigest, slug, textParts } from '../../../src/reporters/html-model.js';
import { htmlReporter, renderHtml, templatesDir } from '../../../src/reporters/html.js';
import { REPORTERS } from '../../../src/reporters/index.js';
import {
  BREAKOUT,
  HOSTILE,
  JS_URL,
  SCRIPT,
  SVG_ONLOAD,
  demoResults,
  hostileResults,
} from '../../support/report-docs.js';

const OPTS = { color: false, verbose: false };

const SECTIONS = [
  'sec-scope',
  'sec-summary',
  'sec-fw-1',
  'sec-fw-2',
  'sec-fw-3',
  'sec-gaps',
  'sec-controls',
  'sec-waivers',
  'sec-attestations',
  'sec-manual',
  'sec-signoff',
  'sec-appendix',
];

function all(root: HTMLElement, selector: string): HTMLElement[] {
  return root.querySelectorAll(selector);
}

/** Every element's attribute names and values, lower-cased names. */
function attributesOf(root: HTMLElement): { tag: string; name: string; value: string }[] {
  return all(root, '*').flatMap((el) =>
    Object.entries(el.attributes).map(([name, value]) => ({
      tag: el.tagName.toLowerCase(),
      name: name.toLowerCase(),
      value,
    })),
  );
}

/** Element by id (ids hold dots, which a CSS selector would read as classes). */
function byId(root: HTMLElement, href: string): HTMLElement | undefined {
  const id = href.replace(/^#/, '');
  return all(root, '[id]').find((e) => e.id === id);
}

/** The same value with object keys in reverse order at every depth. */
function reversedKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reversedKeys);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v)
        .reverse()
        .map(([k, x]) => [k, reversedKeys(x)]),
    );
  return v;
}

function bundledScript(): string {
  return readFileSync(join(templatesDir(), 'report.js'), 'utf8').trim();
}

describe('HTML report', () => {
  let doc: ResultsDocument;
  let html: string;
  let root: HTMLElement;

  before(() => {
    doc = demoResults();
    html = renderHtml(doc, OPTS);
    root = parse(html, { comment: false });
  });

  it('is registered as the html format', () => {
    expect(REPORTERS.get('html')).to.equal(htmlReporter);
    expect(htmlReporter.extension).to.equal('html');
    expect(htmlReporter.binary).to.not.equal(true);
  });

  it('is a complete document with a language, a title and the cover first', () => {
    expect(html.startsWith('<!DOCTYPE html>')).to.equal(true);
    expect(root.querySelector('html')!.getAttribute('lang')).to.equal('en');
    expect(root.querySelector('title')!.text).to.contain('pay-gw-prod-01');
    const cover = root.querySelector('#cover')!;
    expect(cover.querySelector('h1')!.text).to.equal('Compliance assessment report');
    const text = cover.text;
    expect(text).to.contain('pay-gw-prod-01');
    expect(text).to.contain('7Q4N:JX3K:HB2R:MZ6V:QPLD:4WTE:UY5C:S7GA:NK2F:RIOV:3DXH:E6BW');
    expect(text).to.contain('docker');
    expect(text).to.contain(`rampart ${doc.tool.version}`);
    expect(text).to.contain('cis-docker@1.6.0');
    expect(text).to.contain('not stated'); // no assessor given
    expect(text).to.contain(resultsDigest(doc));
    expect(text).to.contain('CONFIDENTIAL');
  });

  it('has every major section, in order, each with an h2', () => {
    const ids = all(root, 'section.major').map((s) => s.id);
    expect(ids).to.deep.equal(SECTIONS);
    for (const id of SECTIONS) expect(root.querySelector(`#${id} h2`), id).to.not.equal(null);
    const order = ['#cover', '#toc', ...SECTIONS.map((s) => `#${s}`)].map((sel) =>
      html.indexOf(`id="${sel.slice(1)}"`),
    );
    expect([...order].sort((a, b) => a - b)).to.deep.equal(order);
  });

  it('has a table of contents whose links all resolve', () => {
    const links = all(root, '#toc > ol > li > a');
    expect(links.map((a) => a.getAttribute('href'))).to.deep.equal(SECTIONS.map((s) => `#${s}`));
    expect(links.map((a) => a.text)).to.include.members([
      '1 Scope and methodology',
      '2 Executive summary',
      '3 Framework: GLBA Safeguards Rule (16 CFR 314.4)',
    ]);
  });

  it('has unique ids and every in-page link resolves', () => {
    const ids = all(root, '[id]').map((e) => e.id);
    expect(new Set(ids).size, 'duplicate ids').to.equal(ids.length);
    const idSet = new Set(ids);
    const hrefs = all(root, 'a[href]').map((a) => a.getAttribute('href')!);
    expect(hrefs.length).to.be.greaterThan(300);
    const broken = hrefs.filter((h) => !idSet.has(h.slice(1)));
    expect(broken).to.deep.equal([]);
  });

  it('requests nothing from outside: no external URL, no script src, no fonts or imports', () => {
    for (const a of attributesOf(root)) {
      if (a.name === 'href') expect(a.value, `${a.tag} href`).to.match(/^#/);
      expect(a.name, `${a.tag} has ${a.name}`).to.not.equal('src');
      expect(a.name, `${a.tag} has ${a.name}`).to.not.equal('srcset');
      expect(a.name).to.not.match(/^on/);
    }
    for (const tag of ['link', 'img', 'iframe', 'object', 'embed', 'base', 'form', 'video', 'audio'])
      expect(all(root, tag), tag).to.have.length(0);
    const scripts = all(root, 'script');
    expect(scripts).to.have.length(1);
    expect(scripts[0]!.getAttribute('src')).to.equal(undefined);
    const css = all(root, 'style')
      .map((s) => s.text)
      .join('\n');
    expect(css).to.not.match(/@import|@font-face|url\(/);
  });

  it('templates insert values only with the escaping {{ }} form', () => {
    const dir = templatesDir();
    const files = ['report.hbs', ...readdirSync(join(dir, 'partials')).map((f) => join('partials', f))];
    expect(files.length).to.be.greaterThan(10);
    for (const f of files) {
      const text = readFileSync(join(dir, f), 'utf8');
      expect(text, f).to.not.contain('{{{');
      expect(text, f).to.not.match(/<script[^>]*>[^<]*\{\{(?!> script\}\})/);
      expect(text, f).to.not.match(/\son[a-z]+=/i);
    }
  });

  it('allows only its own script through a content security policy', () => {
    const csp = root.querySelector('meta[http-equiv="Content-Security-Policy"]')!.getAttribute('content')!;
    expect(csp).to.contain("default-src 'none'");
    const script = root.querySelector('script')!.text;
    expect(script).to.equal(bundledScript());
    const hash = createHash('sha256').update(script, 'utf8').digest('base64');
    expect(csp).to.contain(`script-src 'sha256-${hash}'`);
    // The page reads without it: the script only adds controls, it renders no content.
    expect(script).to.not.match(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|fetch\(/);
  });

  it('uses header cells with scope in every table', () => {
    const tables = all(root, 'table');
    expect(tables.length).to.be.greaterThan(50);
    for (const t of tables) {
      const heads = t.querySelectorAll('thead th');
      expect(heads.length, t.outerHTML.slice(0, 120)).to.be.greaterThan(0);
      for (const th of heads) expect(th.getAttribute('scope')).to.equal('col');
    }
    for (const th of all(root, 'tbody th')) expect(th.getAttribute('scope')).to.match(/^(row|colgroup)$/);
  });

  it('keeps the heading hierarchy without skipped levels', () => {
    const levels = all(root, 'h1, h2, h3, h4, h5, h6').map((h) => Number(h.tagName.slice(1)));
    expect(levels[0]).to.equal(1);
    expect(levels.filter((l) => l === 1)).to.have.length(1);
    levels.forEach((l, i) => {
      if (i > 0) expect(l, `heading ${i}`).to.be.at.most(levels[i - 1]! + 1);
    });
  });

  it('shows every status as text, not colour alone', () => {
    const badges = all(root, '.badge');
    expect(badges.length).to.be.greaterThan(400);
    for (const b of badges) expect(b.text.trim(), b.outerHTML).to.not.equal('');
    const failing = all(root, 'tr[data-status="fail"] .badge').map((b) => b.text);
    expect(failing).to.include('Fail');
  });

  it('gives every coloured badge and table header text a contrast of at least 4.5:1', () => {
    const css = readFileSync(join(templatesDir(), 'report.css'), 'utf8');
    const luminance = (hex: string) => {
      const [r, g, b] = [1, 3, 5].map((i) => {
        const c = parseInt(hex.slice(i, i + 2), 16) / 255;
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
    };
    const ratio = (a: string, b: string) => {
      const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
      return (hi! + 0.05) / (lo! + 0.05);
    };
    const vars = Object.fromEntries(
      [...css.matchAll(/(--[a-z-]+):\s*(#[0-9a-f]{6})/gi)].map((m) => [m[1], m[2]]),
    );
    const hex = (v: string) => (v.startsWith('var(') ? vars[v.slice(4, -1)] : v)?.toLowerCase();
    let checked = 0;
    for (const m of css.matchAll(/([^{}]+)\{([^{}]*)\}/g)) {
      const bg = /(?:^|[;\s])background:\s*(#[0-9a-f]{6}|var\(--[a-z-]+\))/i.exec(m[2]!)?.[1];
      const fg = /(?:^|[;\s])color:\s*(#[0-9a-f]{6}|var\(--[a-z-]+\))/i.exec(m[2]!)?.[1];
      if (!bg || !fg) continue;
      checked += 1;
      expect(ratio(hex(bg)!, hex(fg)!), m[1]!.trim()).to.be.at.least(4.5);
    }
    expect(checked).to.be.greaterThan(12);
    expect(ratio(vars['--muted']!, '#ffffff')).to.be.at.least(4.5);
    expect(ratio(vars['--muted']!, vars['--tint']!)).to.be.at.least(4.5);
  });

  it('draws the charts as inline, labelled SVG and says why there is no trend', () => {
    const svgs = all(root, 'svg');
    expect(svgs).to.have.length(3);
    for (const svg of svgs) {
      expect(svg.getAttribute('role')).to.equal('img');
      expect(svg.querySelector('title')!.text).to.not.equal('');
      expect(svg.querySelector('desc')!.text).to.not.equal('');
    }
    const fw = root.querySelector('#sec-summary svg')!.text;
    expect(fw).to.contain('PCI DSS v4.0.1');
    expect(fw).to.match(/compliance \d/);
    expect(fw).to.match(/coverage \d/);
    expect(root.querySelector('#sec-scope')!.text).to.contain('no assessment history was given');
  });

  it('summarises posture, coverage, counts, top risks and per-framework compliance with coverage', () => {
    const s = root.querySelector('#sec-summary')!;
    const text = s.text;
    expect(text).to.contain(String(doc.scores!.posture));
    expect(text).to.contain('Coverage');
    expect(all(s, 'table.risks tbody tr')).to.have.length(Math.min(10, doc.gaps!.length));
    expect(all(s, 'table.risks tbody tr')[0]!.text).to.contain(doc.gaps![0]!.title);
    for (const f of doc.frameworks!) {
      const row = all(s, 'tbody tr').find((r) => r.querySelector('th')?.text === f.title)!;
      expect(row, f.title).to.not.equal(undefined);
      const cells = row.querySelectorAll('td').map((c) => c.text);
      expect(cells[0]).to.match(/%$/);
      expect(cells[1]).to.match(/%$/);
    }
    // Counts by status and severity: drawn as text in the charts and given in full in their descriptions.
    const desc = all(s, 'svg desc').map((d) => d.text);
    expect(desc.join(' ')).to.contain(`Fail ${doc.summary.byStatus.fail}`);
    expect(desc.join(' ')).to.contain(`Pass ${doc.summary.byStatus.pass}`);
    expect(desc.join(' ')).to.contain(`Critical ${doc.summary.bySeverity.critical}`);
    const labels = all(s, 'svg text').map((t) => t.text);
    expect(labels).to.include('Not applicable');
    expect(labels).to.include(String(doc.summary.byStatus.not_applicable));
  });

  it('gives every framework requirement a matrix row with status, legacy ids and links to the controls', () => {
    const pci = doc.frameworks!.find((f) => f.id === 'pci-dss')!;
    const section = all(root, 'section.framework').find((s) =>
      s.querySelector('h2')!.text.includes(pci.title),
    )!;
    const rows = all(section, 'tr[data-status]');
    expect(rows).to.have.length(pci.requirements.length);
    const withLegacy = pci.requirements.find((q) => q.legacy?.length && q.evidence.length)!;
    const row = rows.find((r) => r.querySelector('.req-id')!.text === withLegacy.id)!;
    expect(row.text).to.contain(`legacy ${withLegacy.legacy!.join(', ')}`);
    expect(row.getAttribute('data-status')).to.equal(withLegacy.status);
    const link = row.querySelector('a.ev-link')!;
    expect(byId(root, link.getAttribute('href')!)!.classNames).to.contain('control');
    expect(row.querySelector('.strength-label')!.text).to.match(/direct|partial|supporting/);
  });

  it('ranks every gap with its remediation', () => {
    const rows = all(root, '#sec-gaps tbody tr');
    expect(rows).to.have.length(doc.gaps!.length);
    expect(rows[0]!.querySelector('th')!.text).to.equal('1');
    expect(rows[0]!.querySelector('.remediation')!.text.length).to.be.greaterThan(20);
  });

  it('details every control result with the observed evidence per resource', () => {
    const controls = all(root, 'article.control');
    expect(controls).to.have.length(doc.results.length);
    const r = doc.results.find((x) => x.controlId === '5.5')!;
    const article = controls.find((c) => c.querySelector('.ctl-id')!.text === '5.5')!;
    expect(article.getAttribute('data-status')).to.equal(r.status);
    const failing = r.findings.filter((f) => f.status === 'fail');
    const failRows = article.querySelectorAll('tbody tr[data-status="fail"]');
    expect(failRows).to.have.length(failing.length);
    expect(failRows[0]!.text).to.contain(failing[0]!.resource.name);
    expect(failRows[0]!.text).to.contain('HostConfig.Privileged');
    expect(failRows[0]!.text).to.contain(`risk ${failing[0]!.risk}`);
    expect(article.querySelector('.remediation')).to.not.equal(null);
  });

  it('lists waivers with owner, approver and expiry and flags expired and unused ones', () => {
    const section = root.querySelector('#sec-waivers')!;
    const rows = all(section, 'tbody tr');
    expect(rows).to.have.length(doc.waivers!.length);
    const expired = doc.waivers!.find((w) => w.state === 'expired')!;
    const row = rows.find((r) => r.querySelector('th')!.text.startsWith(expired.id))!;
    expect(row.classNames).to.contain('flagged');
    expect(row.text).to.contain(expired.owner);
    expect(row.text).to.contain(expired.approver);
    expect(row.text).to.contain(expired.expires);
    expect(row.text).to.contain('EXPIRED');
    expect(section.querySelector('.callout')!.text).to.contain(expired.id);
    const waivedFinding = root.querySelector('tr[data-status="waived"] a')!;
    expect(byId(root, waivedFinding.getAttribute('href')!)!.tagName).to.equal('TR');
  });

  it('lists attestations, manual controls awaiting review and requirements needing attestation', () => {
    expect(all(root, '#sec-attestations tbody tr')).to.have.length(doc.attestations!.length);
    const manual = doc.results.filter((r) => r.status === 'manual');
    expect(manual.length).to.be.greaterThan(0);
    const rows = all(root, '#sec-manual table')[0]!.querySelectorAll('tbody tr');
    expect(rows).to.have.length(manual.length);
    expect(root.querySelector('#sec-manual')!.text).to.contain('Framework requirements needing attestation');
  });

  it('has a sign-off page and an appendix with versions, options, digests and collection errors', () => {
    const sign = root.querySelector('#sec-signoff')!.text;
    for (const role of ['Assessor', 'Reviewer']) expect(sign).to.contain(role);
    const appendix = root.querySelector('#sec-appendix')!.text;
    expect(appendix).to.contain('CIS Docker Benchmark v1.6.0');
    expect(appendix).to.contain('pci-dss@4.0.1');
    expect(appendix).to.contain('as-of');
    expect(appendix).to.contain(resultsDigest(doc));
    expect(appendix).to.contain('Every collector succeeded');
  });

  it('names the assessor and the classification when given', () => {
    const page = parse(
      renderHtml(doc, { ...OPTS, assessor: 'Dana Whitfield, QSA', classification: 'RESTRICTED' }),
    );
    expect(page.querySelector('#cover')!.text).to.contain('Dana Whitfield, QSA');
    expect(page.querySelector('#cover')!.text).to.contain('RESTRICTED');
    expect(page.querySelector('#sec-signoff')!.text).to.contain('Dana Whitfield, QSA');
    expect(page.querySelector('#cover')!.text).to.not.contain('CONFIDENTIAL');
  });

  it('shows the digests of the evidence files when the CLI gives them', () => {
    const results = 'a'.repeat(64);
    const facts = 'b'.repeat(64);
    const page = parse(renderHtml(doc, { ...OPTS, digests: { results, facts } }));
    for (const id of ['#cover', '#sec-appendix']) {
      const text = page.querySelector(id)!.text;
      expect(text).to.contain(resultsDigest(doc));
      expect(text).to.contain(results);
      expect(text).to.contain(facts);
    }
    expect(root.querySelector('#cover')!.text).to.not.contain('results.json (SHA-256');
  });

  it('is deterministic: the same results give the same bytes', () => {
    expect(renderHtml(demoResults(), OPTS)).to.equal(html);
  });

  it('caps evidence rows per control and says how many more there are and where they are', () => {
    const big = demoResults();
    const r = big.results.find((x) => x.controlId === '5.5')!;
    const template = r.findings.find((f) => f.status === 'fail')!;
    const many: Finding[] = [];
    for (let i = 0; i < 60; i++)
      many.push({ ...template, resource: { ...template.resource, id: `c${i}`, name: `web-${i}` } });
    for (let i = 0; i < 40; i++)
      many.push({
        ...template,
        status: 'pass',
        resource: { ...template.resource, id: `p${i}`, name: `ok-${i}` },
      });
    r.findings = many;
    const page = parse(renderHtml(big, OPTS));
    const article = all(page, 'article.control').find((c) => c.querySelector('.ctl-id')!.text === '5.5')!;
    expect(article.querySelectorAll('tbody tr[data-status]')).to.have.length(25);
    expect(article.querySelectorAll('tbody tr[data-status="fail"]')).to.have.length(25);
    const more = article.querySelector('tr.more-row')!.text;
    expect(more).to.contain('and 75 more (35 fail, 40 pass)');
    expect(more).to.contain('full evidence in the JSON results and evidence bundle');
    expect(article.querySelector('caption')!.text).to.contain('100 resources evaluated: 60 fail, 40 pass');
    // A smaller cap is honoured, and on paper passing resources are sampled.
    const small = parse(renderHtml(big, { ...OPTS, maxFindings: 10 }));
    const a2 = all(small, 'article.control').find((c) => c.querySelector('.ctl-id')!.text === '5.5')!;
    expect(a2.querySelectorAll('tbody tr[data-status]')).to.have.length(10);
  });

  it('shortens very long observed values and says where the full value is', () => {
    const d = demoResults();
    const f = d.results.find((x) => x.controlId === '5.5')!.findings[0]!;
    f.observed = { 'Config.Cmd': 'x'.repeat(5000) };
    const text = parse(renderHtml(d, OPTS)).text;
    expect(text).to.contain('(4842 more characters in the JSON results)');
    expect(text).to.not.contain('x'.repeat(200));
  });

  it('renders several targets and benchmarks, with manifest sources, and links that resolve', () => {
    const d = JSON.parse(
      readFileSync(join(import.meta.dirname, '../../fixtures/reports/results.json'), 'utf8'),
    ) as ResultsDocument;
    const page = parse(renderHtml(d, OPTS));
    const cover = page.querySelector('#cover')!.text;
    for (const t of d.targets) {
      expect(cover).to.contain(t.name);
      expect(cover).to.contain(t.id);
    }
    const ids = new Set(all(page, '[id]').map((e) => e.id));
    expect(all(page, 'a[href]').filter((a) => !ids.has(a.getAttribute('href')!.slice(1)))).to.deep.equal([]);
    expect(all(page, 'article.control')).to.have.length(d.results.length);
    const sourced = d.results.flatMap((r) => r.findings).find((f) => f.resource.source)!;
    expect(page.text).to.contain(`${sourced.resource.source!.file}:${sourced.resource.source!.line}`);
  });

  it('renders a bare results document (no scores, gaps, frameworks, waivers or attestations)', () => {
    const d = demoResults();
    for (const k of ['scores', 'gaps', 'frameworks', 'waivers', 'attestations', 'options'] as const)
      delete d[k];
    const page = parse(renderHtml(d, OPTS));
    expect(all(page, 'section.major').map((s) => s.id)).to.deep.equal(
      SECTIONS.filter((s) => !s.startsWith('sec-fw-')),
    );
    expect(page.querySelector('#sec-gaps')!.text).to.contain('carry no risk ranking');
    expect(page.querySelector('#sec-waivers')!.text).to.contain('No waivers were given');
    expect(page.querySelector('#sec-summary')!.text).to.contain('Coverage');
  });

  describe('hostile values from the target', () => {
    let hostile: ResultsDocument;
    let out: string;
    let page: HTMLElement;

    before(() => {
      hostile = hostileResults();
      out = renderHtml(hostile, OPTS);
      page = parse(out, { comment: false });
    });

    it('creates no element, attribute or script from them', () => {
      expect(all(page, 'script')).to.have.length(1);
      expect(page.querySelector('script')!.text).to.equal(bundledScript());
      for (const tag of ['img', 'iframe', 'object', 'embed', 'link', 'base', 'form'])
        expect(all(page, tag), tag).to.have.length(0);
      expect(all(page, 'svg')).to.have.length(3);
      for (const svg of all(page, 'svg')) expect(svg.parentNode?.tagName).to.equal('FIGURE');
      for (const a of attributesOf(page)) {
        expect(a.name, `${a.tag} ${a.name}`).to.not.match(/^on/);
        expect(a.value.toLowerCase(), `${a.tag} ${a.name}`).to.not.contain('javascript:');
        if (a.name === 'href') expect(a.value).to.match(/^#[A-Za-z0-9_.-]+$/);
        if (a.name === 'id') expect(a.value).to.match(/^[A-Za-z0-9_.-]+$/);
        if (a.name === 'class') expect(a.value).to.match(/^[A-Za-z0-9_ -]+$/);
      }
    });

    it('never writes them unescaped into the markup', () => {
      for (const h of HOSTILE.filter((x) => x !== JS_URL)) expect(out, h).to.not.contain(h);
      expect(out).to.not.match(/<script>alert|<img |<svg onload/i);
    });

    it('shows them as text, so the reader sees exactly what the target held', () => {
      const text = page.text;
      expect(text).to.contain(`pay-gw ${SCRIPT}`);
      expect(text).to.contain(BREAKOUT);
      expect(text).to.contain(SVG_ONLOAD);
      expect(text).to.contain(JS_URL);
      expect(page.querySelector('title')!.text).to.contain(SCRIPT);
      // Inside code spans (remediation) too.
      expect(all(page, '.remediation code').map((c) => c.text)).to.include(SCRIPT);
    });

    it('keeps in-page links working when ids and references carry them', () => {
      const ids = new Set(all(page, '[id]').map((e) => e.id));
      const broken = all(page, 'a[href]')
        .map((a) => a.getAttribute('href')!)
        .filter((h) => !ids.has(h.slice(1)));
      expect(broken).to.deep.equal([]);
    });
  });

  it('keeps redacted values redacted and visible as redacted', () => {
    const d = demoResults();
    const f = d.results.find((x) => x.controlId === '5.5')!.findings[0]!;
    f.observed = { 'Config.Env': ['PATH=/usr/bin', 'DB_PASSWORD=<redacted>', 'API_TOKEN=<redacted>'] };
    const page = parse(renderHtml(d, OPTS));
    const text = page.text;
    expect(text).to.contain('"DB_PASSWORD=<redacted>"');
    expect(text).to.contain('"API_TOKEN=<redacted>"');
    expect(all(page, 'redacted')).to.have.length(0);
  });
});

describe('report model helpers', () => {
  it('canonical JSON sorts keys at every depth and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } })).to.equal(
      '{"a":{"d":[1,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('digests the results independently of key order and indentation', () => {
    const doc = demoResults();
    const reordered = reversedKeys(doc) as ResultsDocument;
    expect(JSON.stringify(reordered)).to.not.equal(JSON.stringify(doc));
    expect(resultsDigest(reordered)).to.equal(resultsDigest(doc));
    expect(resultsDigest(doc)).to.equal(createHash('sha256').update(canonicalJson(doc)).digest('hex'));
    doc.results[0]!.status = 'fail';
    expect(resultsDigest(doc)).to.not.equal(resultsDigest(reordered));
  });

  it('slugs keep ids to safe characters', () => {
    expect(slug(`1.1"><script>`)).to.equal('1.1-script');
    expect(slug('')).to.equal('x');
  });

  it('splits code spans out of remediation text', () => {
    expect(textParts('Run `a <b>` now')).to.deep.equal([
      { text: 'Run ', code: false },
      { text: 'a <b>', code: true },
      { text: ' now', code: false },
    ]);
  });
});
