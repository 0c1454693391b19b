/**
 * PDF report printed by Debian's Chromium, read back with poppler-utils' pdftotext / pdfinfo. Skips with the
 * reason when either is missing, unless RAMPART_REQUIRE_INTEGRATION=1 (then it fails).
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ResultsDocument } from '../../src/core/types.js';
import { renderHtml } from '../../src/reporters/html.js';
import { CHROMIUM_ARGS, findChromium, pdfReporter, printHtml, renderPdf } from '../../src/reporters/pdf.js';
import { skipOrFail } from '../support/dockerd.js';
import { BREAKOUT, SCRIPT, demoResults, hostileResults } from '../support/report-docs.js';

const OPTS = { color: false, verbose: false };

/** A few controls of a document (with its gaps and a few requirements), for quick renders. */
function small(d: ResultsDocument): ResultsDocument {
  const keep = new Set(['1.1.2', '5.5', '5.10', '5.31', '2.1']);
  d.results = d.results.filter((r) => keep.has(r.controlId));
  d.gaps = (d.gaps ?? []).filter((g) => keep.has(g.controlId));
  d.frameworks = (d.frameworks ?? [])
    .slice(0, 1)
    .map((f) => ({ ...f, requirements: f.requirements.slice(0, 5) }));
  return d;
}

/** The page on which a major section starts: its numbered heading is the first line under the page header. */
function sectionPage(pages: string[], title: string): string | undefined {
  return pages.find((p) => {
    const lines = p.split('\n').filter((l) => l.trim());
    return new RegExp(`^\\s*\\d+\\s+${title.replace(/[().:]/g, '.')}\\s*$`).test(lines[1] ?? '');
  });
}

function tool(name: string): boolean {
  return spawnSync(name, ['-v'], { encoding: 'utf8' }).error === undefined;
}

describe('PDF report @integration', function () {
  this.timeout(180_000);
  let dir: string;
  let chromium: string;
  let doc: ResultsDocument;
  let pdf: Buffer;
  let requests: string[];
  let pages: string[];
  let pageCount: number;

  const pdftotext = (file: string): string => {
    const out = spawnSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8', maxBuffer: 64 << 20 });
    expect(out.status, out.stderr).to.equal(0);
    return out.stdout;
  };

  before(async function () {
    try {
      chromium = findChromium();
    } catch (err) {
      skipOrFail(this, (err as Error).message);
    }
    if (!tool('pdftotext') || !tool('pdfinfo'))
      skipOrFail(this, 'pdftotext/pdfinfo are not installed (apt-get install poppler-utils)');
    dir = mkdtempSync(join(tmpdir(), 'rampart-pdf-'));
    doc = demoResults();
    requests = [];
    const out = await renderPdf(doc, OPTS, { executablePath: chromium, onRequest: (u) => requests.push(u) });
    pdf = out.pdf;
    requests.push(...out.blockedRequests.filter((u) => !requests.includes(u)));
    writeFileSync(join(dir, 'report.pdf'), pdf);
    pages = pdftotext(join(dir, 'report.pdf')).split('\f');
    const info = spawnSync('pdfinfo', [join(dir, 'report.pdf')], { encoding: 'utf8' }).stdout;
    pageCount = Number(/Pages:\s+(\d+)/.exec(info)?.[1]);
    expect(info).to.match(/Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)/);
  });

  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('attempts no network request while rendering', () => {
    expect(requests).to.deep.equal([]);
  });

  it('is a PDF with a sane number of pages', () => {
    expect(pdf.subarray(0, 5).toString('latin1')).to.equal('%PDF-');
    expect(pageCount).to.be.within(5, 150);
  });

  it('holds the cover, the table of contents and every required section', () => {
    const text = pages.join('\n');
    expect(pages[0]).to.contain('Compliance assessment report');
    expect(pages[0]).to.contain('pay-gw-prod-01');
    expect(pages[0]).to.contain('Evidence digest');
    const toc = pages.slice(0, 3).join('\n');
    expect(toc).to.contain('Contents');
    for (const title of [
      'Scope and methodology',
      'Executive summary',
      'PCI DSS v4.0.1',
      'Ranked gaps and remediation',
      'Control details and evidence',
      'Waiver register',
      'Attestations',
      'Manual controls awaiting review',
      'Sign-off',
      'Appendix: versions, options and digests',
    ]) {
      expect(toc, `contents: ${title}`).to.contain(title);
      // Each major section starts a page.
      expect(sectionPage(pages, title), `section ${title}`).to.not.equal(undefined);
    }
    expect(text).to.contain('How statuses are decided');
  });

  it('shows the posture figure and each framework with compliance and coverage', () => {
    const summary = sectionPage(pages, 'Executive summary')!;
    expect(summary).to.contain(String(doc.scores!.posture));
    for (const f of doc.frameworks!) {
      expect(pages.join('\n')).to.contain(f.title);
      expect(summary.replace(/\s+/g, ' ')).to.contain(`${f.compliance}%`);
    }
  });

  it('prints the target, date, classification and page numbers on every page', () => {
    const date = doc.startedAt.slice(0, 10);
    pages
      .filter((p) => p.trim())
      .forEach((p, i) => {
        expect(p, `page ${i + 1}`).to.contain('CONFIDENTIAL');
        expect(p, `page ${i + 1}`).to.contain('pay-gw-prod-01');
        expect(p, `page ${i + 1}`).to.contain(date);
        expect(p, `page ${i + 1}`).to.contain(`Page ${i + 1} of ${pageCount}`);
      });
  });

  it('leaves no evidence table header alone at the foot of a page', () => {
    const orphans = pages
      .map((p, i) => ({ page: i + 1, lines: p.split('\n').filter((l) => l.trim()) }))
      .filter(({ lines }) => /^\s*Resource\s+Status\s+Observed/.test(lines[lines.length - 2] ?? ''))
      .map(({ page }) => page);
    expect(orphans).to.deep.equal([]);
  });

  it('prints with JavaScript off, and blocks and records a request a page does attempt', async () => {
    const seen: string[] = [];
    const out = await printHtml(
      '<!DOCTYPE html><html><body><p id="p">static text</p><script>document.getElementById("p").textContent = "script ran"</script><img src="http://127.0.0.1:9/pixel.png"><link rel="stylesheet" href="http://127.0.0.1:9/x.css"></body></html>',
      {
        target: 'probe',
        date: '2024-08-06',
        classification: 'TEST',
        executablePath: chromium,
        onRequest: (u) => seen.push(u),
      },
    );
    expect(out.blockedRequests).to.include('http://127.0.0.1:9/pixel.png');
    expect(seen).to.deep.equal(out.blockedRequests);
    writeFileSync(join(dir, 'probe.pdf'), out.pdf);
    const text = pdftotext(join(dir, 'probe.pdf'));
    expect(text).to.contain('static text');
    expect(text).to.not.contain('script ran');
  });

  it('prints hostile target values as inert text and uses the classification given', async () => {
    const hostile = small(hostileResults());
    const out = await renderPdf(
      hostile,
      { ...OPTS, classification: 'RESTRICTED' },
      { executablePath: chromium },
    );
    expect(out.blockedRequests).to.deep.equal([]);
    writeFileSync(join(dir, 'hostile.pdf'), out.pdf);
    const text = pdftotext(join(dir, 'hostile.pdf'));
    expect(text).to.contain(SCRIPT);
    expect(text).to.contain('onerror=alert(1)>');
    expect(text).to.contain('RESTRICTED');
    expect(text).to.not.contain('CONFIDENTIAL');
  });

  it('runs no injected script when the hostile HTML is opened with JavaScript on, and its own script works', async () => {
    const { launch } = await import('puppeteer-core');
    const profile = mkdtempSync(join(tmpdir(), 'rampart-chromium-test-'));
    const browser = await launch({
      executablePath: chromium,
      headless: true,
      pipe: true,
      userDataDir: profile,
      args: CHROMIUM_ARGS,
    });
    try {
      const page = await browser.newPage();
      const dialogs: string[] = [];
      const network: string[] = [];
      page.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      await page.setRequestInterception(true);
      page.on('request', (r) => {
        network.push(r.url());
        void r.abort();
      });
      await page.setContent(renderHtml(hostileResults(), OPTS), { waitUntil: 'load' });
      expect(dialogs).to.deep.equal([]);
      expect(network).to.deep.equal([]);
      expect(await page.$$eval('img, iframe, object', (els) => els.length)).to.equal(0);
      // The bundled script ran (the policy allows it by hash): filters and sort buttons were added.
      expect(await page.$$eval('.toolbar', (els) => els.length)).to.be.greaterThan(3);
      const ranks = () => page.$$eval('#sec-gaps tbody tr th', (ths) => ths.map((t) => t.textContent));
      const before = await ranks();
      await page.click('#sec-gaps thead th button.sort');
      await page.click('#sec-gaps thead th button.sort');
      expect(await ranks()).to.deep.equal([...before].reverse());
      expect(await page.$eval('#sec-gaps', (s) => s.textContent ?? '')).to.contain(BREAKOUT);
    } finally {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    }
  });

  it('renders through the registered reporter to a Buffer', async () => {
    const out = await pdfReporter.render(small(demoResults()), OPTS);
    expect(Buffer.isBuffer(out)).to.equal(true);
    expect((out as Buffer).subarray(0, 5).toString('latin1')).to.equal('%PDF-');
  });
});
