/**
 * HTML report: one self-contained file (inline CSS, SVG charts drawn here, a small optional script) from the
 * Handlebars templates in templates/html/. Target data is only ever inserted with the escaping `{{ }}`
 * form; the stylesheet and script are registered as raw partials that hold no data. A Content Security
 * Policy in the page allows no network request and only the bundled script (by its hash).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import Handlebars from 'handlebars';
import { packageRoot } from '../core/paths.js';
import type { ResultsDocument } from '../core/types.js';
import { buildReportModel } from './html-model.js';
import type { Reporter, RenderOptions } from './types.js';

export interface HtmlTemplates {
  render: (model: object) => string;
  scriptHash: string;
}

let cached: { dir: string; templates: HtmlTemplates } | undefined;

export function templatesDir(): string {
  return join(packageRoot(), 'templates', 'html');
}

/** Compile the report template and its partials (cached per directory). */
export function loadTemplates(dir = templatesDir()): HtmlTemplates {
  if (cached?.dir === dir) return cached.templates;
  const hb = Handlebars.create();
  const css = readFileSync(join(dir, 'report.css'), 'utf8');
  const script = readFileSync(join(dir, 'report.js'), 'utf8').trim();
  // Raw partials: their text is inserted as is and is never parsed as a template.
  hb.registerPartial('css', (() => css) as unknown as Handlebars.Template);
  hb.registerPartial('script', (() => script) as unknown as Handlebars.Template);
  const partials = join(dir, 'partials');
  for (const file of readdirSync(partials).sort()) {
    if (!file.endsWith('.hbs')) continue;
    hb.registerPartial(
      basename(file, '.hbs'),
      readFileSync(join(partials, file), 'utf8').replace(/\n+$/, ''),
    );
  }
  const template = hb.compile(readFileSync(join(dir, 'report.hbs'), 'utf8'), {
    noEscape: false,
    preventIndent: true,
  });
  const scriptHash = `sha256-${createHash('sha256').update(script, 'utf8').digest('base64')}`;
  const templates: HtmlTemplates = {
    render: (model) => template({ ...model, scriptHash }),
    scriptHash,
  };
  cached = { dir, templates };
  return templates;
}

export function renderHtml(doc: ResultsDocument, opts: RenderOptions): string {
  const model = buildReportModel(doc, opts);
  return loadTemplates().render(model);
}

export const htmlReporter: Reporter = {
  id: 'html',
  extension: 'html',
  description: 'self-contained HTML report for auditors (inline CSS and SVG charts, no external requests)',
  render: renderHtml,
};
