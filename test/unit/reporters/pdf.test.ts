/** PDF reporter pieces that need no browser: finding Chromium, and the escaped page header and footer. */
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isRampartError } from '../../../src/core/errors.js';
import { REPORTERS } from '../../../src/reporters/index.js';
import {
  CHROMIUM_ARGS,
  findChromium,
  footerTemplate,
  headerTemplate,
  pdfReporter,
} from '../../../src/reporters/pdf.js';

describe('PDF reporter (no browser)', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'rampart-pdf-unit-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('is registered as a binary format', () => {
    expect(REPORTERS.get('pdf')).to.equal(pdfReporter);
    expect(pdfReporter.binary).to.equal(true);
    expect(pdfReporter.extension).to.equal('pdf');
  });

  it('uses PUPPETEER_EXECUTABLE_PATH first, then the usual paths', () => {
    const exe = join(dir, 'chromium');
    writeFileSync(exe, '');
    const other = join(dir, 'chrome');
    writeFileSync(other, '');
    expect(findChromium({ PUPPETEER_EXECUTABLE_PATH: exe }, [other])).to.equal(exe);
    expect(findChromium({}, [join(dir, 'missing'), other])).to.equal(other);
  });

  it('fails with one clear line naming the package when there is no browser', () => {
    for (const env of [{}, { PUPPETEER_EXECUTABLE_PATH: join(dir, 'nope') }]) {
      let err: unknown;
      try {
        findChromium(env, [join(dir, 'missing')]);
      } catch (e) {
        err = e;
      }
      expect(isRampartError(err)).to.equal(true);
      const message = (err as Error).message;
      expect(message).to.contain("install Debian's chromium package or set PUPPETEER_EXECUTABLE_PATH");
      expect(message).to.not.contain('\n');
    }
  });

  it('launches Chromium without sandbox, GPU, first-run or background networking', () => {
    for (const flag of [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ])
      expect(CHROMIUM_ARGS).to.include(flag);
  });

  it('escapes target names and the classification in the header and footer', () => {
    const o = {
      target: '<script>alert(1)</script>"><img src=x onerror=alert(1)>',
      date: '2024-08-06',
      classification: 'SECRET <b>',
    };
    const header = headerTemplate(o);
    const footer = footerTemplate(o);
    for (const t of [header, footer]) {
      expect(t).to.not.contain('<script');
      expect(t).to.not.contain('<img');
      expect(t).to.not.contain('<b>');
    }
    expect(header).to.contain('&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src&#61;x');
    expect(header).to.contain('SECRET &lt;b&gt;');
    expect(footer).to.contain('<span class="pageNumber"></span>');
    expect(footer).to.contain('<span class="totalPages"></span>');
    expect(footer).to.contain('2024-08-06');
  });
});
