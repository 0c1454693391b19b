/**
 * PDF report: the HTML report printed by Debian's Chromium through puppeteer-core (no bundled browser).
 * While printing, JavaScript is disabled and every network request is blocked and recorded; the page is
 * set from a string, so nothing is loaded by URL. The browser always runs in a fresh temporary profile and
 * is closed (and the profile removed) whatever happens.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'puppeteer-core';
import { EXIT, RampartError } from '../core/errors.js';
import type { ResultsDocument } from '../core/types.js';
import { renderHtml } from './html.js';
import type { Reporter, RenderOptions } from './types.js';

export const CHROMIUM_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-extensions',
  '--disable-default-apps',
  '--disable-domain-reliability',
  '--metrics-recording-only',
  '--mute-audio',
];

export class ChromiumNotFoundError extends RampartError {
  constructor(detail = '') {
    super(
      `no Chromium found for PDF rendering${detail}: install Debian's chromium package or set PUPPETEER_EXECUTABLE_PATH`,
      EXIT.usage,
    );
    this.name = 'ChromiumNotFoundError';
  }
}

/** The browser to print with: PUPPETEER_EXECUTABLE_PATH, else the usual paths. Throws when none exists. */
export function findChromium(env: NodeJS.ProcessEnv = process.env, paths = CHROMIUM_PATHS): string {
  const configured = env.PUPPETEER_EXECUTABLE_PATH?.trim();
  if (configured) {
    if (!existsSync(configured))
      throw new ChromiumNotFoundError(` (PUPPETEER_EXECUTABLE_PATH=${configured} does not exist)`);
    return configured;
  }
  const found = paths.find((p) => existsSync(p));
  if (!found) throw new ChromiumNotFoundError(` (looked in ${paths.join(', ')})`);
  return found;
}

export interface PrintOptions {
  /** Shown in the page header. */
  target: string;
  /** Shown in the page footer. */
  date: string;
  classification: string;
  title?: string;
  executablePath?: string;
  /** Called for every network request the page attempts (each is blocked). */
  onRequest?: (url: string) => void;
  timeoutMs?: number;
}

export interface PrintResult {
  pdf: Buffer;
  /** URLs of every network request attempted while rendering (all were blocked). */
  blockedRequests: string[];
}

/** Escape text for the header and footer templates, which Chromium parses as HTML. */
export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"'`=]/g,
    (c) =>
      ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;', '=': '&#61;' })[
        c
      ]!,
  );
}

function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

const BAND_STYLE =
  'font-family: Liberation Sans, DejaVu Sans, Arial, sans-serif; font-size: 7.5px; color: #56606e; width: 100%; margin: 0 13mm; display: flex; justify-content: space-between; align-items: center;';

export function headerTemplate(o: PrintOptions): string {
  return `<div style="${BAND_STYLE} border-bottom: 0.5px solid #d5dae1; padding-bottom: 2px;"><span>${escapeHtml(clip(o.title ?? 'Compliance assessment report', 60))} · ${escapeHtml(clip(o.target, 70))}</span><span style="font-weight: bold; color: #7f1d1d; letter-spacing: 0.08em;">${escapeHtml(clip(o.classification, 40))}</span></div>`;
}

export function footerTemplate(o: PrintOptions): string {
  return `<div style="${BAND_STYLE} border-top: 0.5px solid #d5dae1; padding-top: 2px;"><span>${escapeHtml(o.date)} · Rampart</span><span style="font-weight: bold; color: #7f1d1d; letter-spacing: 0.08em;">${escapeHtml(clip(o.classification, 40))}</span><span>Page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>`;
}

/** Print an HTML string to an A4 PDF with JavaScript off and the network blocked. */
export async function printHtml(html: string, o: PrintOptions): Promise<PrintResult> {
  const executablePath = o.executablePath ?? findChromium();
  const { launch } = await import('puppeteer-core');
  const profile = mkdtempSync(join(tmpdir(), 'rampart-chromium-'));
  const blockedRequests: string[] = [];
  const timeout = o.timeoutMs ?? 120_000;
  let browser: Browser | undefined;
  try {
    browser = await launch({
      executablePath,
      headless: true,
      pipe: true,
      userDataDir: profile,
      args: CHROMIUM_ARGS,
      protocolTimeout: timeout,
      env: { ...process.env, TZ: 'UTC' },
    });
    const page = await browser.newPage();
    await page.setJavaScriptEnabled(false);
    await page.setRequestInterception(true);
    page.on('request', (req) => {
      const url = req.url();
      blockedRequests.push(url);
      o.onRequest?.(url);
      void req.abort('blockedbyclient').catch(() => undefined);
    });
    await page.setContent(html, { waitUntil: 'load', timeout });
    await page.emulateMediaType('print');
    const pdf = await page.pdf({
      format: 'A4',
      printBackground: true,
      displayHeaderFooter: true,
      headerTemplate: headerTemplate(o),
      footerTemplate: footerTemplate(o),
      margin: { top: '18mm', bottom: '16mm', left: '13mm', right: '13mm' },
      preferCSSPageSize: false,
      outline: true,
      tagged: true,
      timeout,
    });
    return { pdf: Buffer.from(pdf), blockedRequests };
  } finally {
    if (browser) await browser.close().catch(() => undefined);
    rmSync(profile, { recursive: true, force: true });
  }
}

export async function renderPdf(
  doc: ResultsDocument,
  opts: RenderOptions,
  extra: Partial<PrintOptions> = {},
): Promise<PrintResult> {
  const executablePath = extra.executablePath ?? findChromium();
  const html = renderHtml(doc, opts);
  const names = doc.targets.map((t) => t.name);
  return printHtml(html, {
    target: names.length <= 2 ? names.join(', ') : `${names[0]} and ${names.length - 1} more targets`,
    date: doc.startedAt.slice(0, 10),
    classification: (opts.classification ?? 'CONFIDENTIAL').trim() || 'CONFIDENTIAL',
    ...extra,
    executablePath,
  });
}

export const pdfReporter: Reporter = {
  id: 'pdf',
  extension: 'pdf',
  binary: true,
  description: 'the HTML report printed to an A4 PDF by Chromium (JavaScript off, network blocked)',
  render: async (doc, opts) => {
    const { pdf, blockedRequests } = await renderPdf(doc, opts);
    for (const url of blockedRequests)
      process.stderr.write(`rampart: blocked a network request while printing the PDF: ${url}\n`);
    return pdf;
  },
};
