/**
 * Manifest source: Kubernetes objects read from YAML / JSON files (multi-document YAML, `kind: List`,
 * Helm-rendered output, `kubectl get -o yaml|json` dumps). Each object carries `_source: {file, document, line}`;
 * broken documents are reported as problems and skipped.
 */
import { isAscii } from 'node:buffer';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { Schema, YAML11_SCHEMA, load, timestampTag } from 'js-yaml';
import { LineCounter, isMap, isSeq, parseDocument } from 'yaml';
import { UsageError } from '../../core/errors.js';
import { KINDS, type K8sSource, type KindName } from './kinds.js';
import { isObj, obj, str, type Obj } from './util.js';

export interface ManifestProblem {
  file: string;
  document: number;
  line?: number;
  message: string;
}

export interface ManifestFileSummary {
  file: string;
  documents: number;
  resources: number;
}

export interface ManifestLoad {
  root: string;
  objects: Obj[];
  files: ManifestFileSummary[];
  problems: ManifestProblem[];
}

/** File text; ASCII files (most dumps) are decoded as latin1, which is several times faster than UTF-8. */
function readText(file: string): string {
  const buf = readFileSync(file);
  if (buf.length >= MAX_STRING)
    throw new Error(
      `${Math.round(buf.length / 1048576)} MiB is more than one file can hold in memory (512 MiB); split the dump`,
    );
  return isAscii(buf) ? buf.toString('latin1') : buf.toString('utf8');
}

/** V8's longest string (2^29 - 24 characters). */
const MAX_STRING = 2 ** 29 - 24;

const EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

function walk(dir: string, out: string[]): void {
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith('.')) continue;
    const full = path.join(dir, name);
    const st = statSync(full);
    if (st.isDirectory()) walk(full, out);
    else if (EXTENSIONS.has(path.extname(name).toLowerCase())) out.push(full);
  }
}

/** True for a `List` document (`kind: List`, `kind: PodList`, ...). */
function isList(o: Obj): boolean {
  const kind = str(o.kind) ?? '';
  return kind.endsWith('List') && Array.isArray(o.items);
}

function problemFor(o: unknown): string | undefined {
  if (!isObj(o))
    return `expected a Kubernetes object (a mapping), found ${Array.isArray(o) ? 'a list' : typeof o}`;
  if (typeof o.kind !== 'string' || !o.kind) return 'not a Kubernetes object: no kind';
  if (!str(obj(o.metadata).name) && !str(obj(o.metadata).generateName))
    return `not a Kubernetes object: ${o.kind} without metadata.name`;
  return undefined;
}

/**
 * Offsets of the elements of the top-level `items` array of a JSON text (for line numbers). Jumps between
 * structural characters with a native regular expression and skips strings with indexOf, so a dump of
 * hundreds of megabytes is scanned in a fraction of the time JSON.parse takes.
 */
export function jsonItemOffsets(text: string, limit = Infinity): number[] {
  const offsets: number[] = [];
  const re = /[{}[\]":]/g;
  let depth = 0;
  let lastString = '';
  let keyAtDepth1 = '';
  let itemsDepth = -1;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    const c = m[0];
    const i = m.index;
    if (c === '"') {
      let j = i + 1;
      for (;;) {
        j = text.indexOf('"', j);
        if (j < 0) return offsets;
        let k = j - 1;
        let backslashes = 0;
        while (text.charCodeAt(k) === 92) {
          backslashes++;
          k--;
        }
        if (backslashes % 2 === 0) break;
        j++;
      }
      if (depth === 1) lastString = text.slice(i + 1, j);
      re.lastIndex = j + 1;
    } else if (c === ':') {
      if (depth === 1) keyAtDepth1 = lastString;
    } else if (c === '{' || c === '[') {
      if (depth === itemsDepth && c === '{') {
        offsets.push(i);
        if (offsets.length >= limit) return offsets;
      }
      depth++;
      if (c === '[' && depth === 2 && keyAtDepth1 === 'items') itemsDepth = 2;
    } else {
      depth--;
      if (depth === 1 && itemsDepth === 2 && c === ']') itemsDepth = -1;
    }
  }
  return offsets;
}

/**
 * 1-based lines of the `count` items of a JSON List. Pretty-printed dumps (kubectl, JSON.stringify with an
 * indent) start every item on its own line at one indentation, so after locating the first item exactly the
 * rest are found by walking newlines; anything else falls back to the exact scan.
 */
export function jsonItemLines(text: string, count: number): number[] {
  if (count === 0) return [];
  const first = jsonItemOffsets(text, 1)[0];
  if (first === undefined) return [];
  const nlBefore = text.lastIndexOf('\n', first);
  const indent = first - nlBefore - 1;
  const pad = nlBefore >= 0 ? text.slice(nlBefore + 1, first) : '';
  if (nlBefore >= 0 && /^ *$/.test(pad)) {
    const lines = linesOf(text, [first]);
    let line = lines[0] as number;
    for (
      let nl = text.indexOf('\n', first);
      nl >= 0 && lines.length < count;
      nl = text.indexOf('\n', nl + 1)
    ) {
      line++;
      if (text.charCodeAt(nl + indent + 1) !== 123 /* { */) continue;
      let spaces = true;
      for (let k = 1; k <= indent && spaces; k++) spaces = text.charCodeAt(nl + k) === 32;
      if (spaces) lines.push(line);
    }
    if (lines.length === count) return lines;
  }
  return linesOf(text, jsonItemOffsets(text));
}

/** 1-based line numbers of ascending offsets, counting newlines natively. */
function linesOf(text: string, offsets: number[]): number[] {
  const lines: number[] = [];
  let line = 1;
  let pos = 0;
  for (const off of offsets) {
    for (let nl = text.indexOf('\n', pos); nl >= 0 && nl < off; nl = text.indexOf('\n', nl + 1)) {
      line++;
      pos = nl + 1;
    }
    lines.push(line);
  }
  return lines;
}

interface Collected {
  objects: Obj[];
  documents: number;
  problems: ManifestProblem[];
}

/**
 * Drops what no collector reads and that dominates large dumps: `metadata.managedFields` everywhere and a
 * Pod's status beyond its phase.
 */
export function slim(o: Obj): Obj {
  const meta = o.metadata;
  if (isObj(meta) && meta.managedFields !== undefined) delete meta.managedFields;
  if (o.kind === 'Pod' && isObj(o.status)) o.status = { phase: o.status.phase };
  return o;
}

function addObject(
  out: Collected,
  o: unknown,
  file: string,
  document: number,
  line: number | undefined,
  template?: string,
): void {
  const problem = problemFor(o);
  if (problem) {
    out.problems.push({ file, document, ...(line !== undefined ? { line } : {}), message: problem });
    return;
  }
  const item = slim(o as Obj);
  item._source = { file, document, ...(line !== undefined ? { line } : {}) };
  if (template) item._template = template;
  out.objects.push(item);
}

function addDocument(
  out: Collected,
  value: unknown,
  file: string,
  document: number,
  line: number | undefined,
  itemLines: (number | undefined)[],
  template?: string,
): void {
  if (value === null || value === undefined) return;
  if (isObj(value) && isList(value)) {
    (value.items as unknown[]).forEach((item, i) =>
      addObject(out, item, file, document, itemLines[i] ?? line, template),
    );
    return;
  }
  addObject(out, value, file, document, line, template);
}

function parseJsonText(text: string, file: string): Collected | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined; // let the YAML parser report it with a line
  }
  const out: Collected = { objects: [], documents: 1, problems: [] };
  const first = text.search(/\S/);
  const docLine = first >= 0 ? (linesOf(text, [first])[0] ?? 1) : 1;
  if (Array.isArray(value)) {
    value.forEach((v) => addDocument(out, v, file, 0, docLine, []));
    return out;
  }
  const itemLines =
    isObj(value) && isList(value) ? jsonItemLines(text, (value.items as unknown[]).length) : [];
  addDocument(out, value, file, 0, docLine, itemLines);
  return out;
}

/** YAML 1.1 as Kubernetes reads it (sigs.k8s.io/yaml): yes/no booleans, 0644 octal, merge keys; timestamps stay strings. */
const K8S_YAML = new Schema(YAML11_SCHEMA.tags.filter((t) => t !== timestampTag));

interface YamlChunk {
  /** The document's text, from its `---` line (if any) to the next one. */
  text: string;
  /** 1-based line of the chunk's first line in the file. */
  startLine: number;
  /** Counts as a document (it follows a `---`, or has content). */
  counted: boolean;
}

const isMarker = (line: string) => /^(---|\.\.\.)(\s|$)/.test(line);
const isBlankOrComment = (line: string) => /^\s*(#.*)?$/.test(line);

/** Newlines in text[from, to). */
function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Splits a YAML stream at `---` / `...` lines, keeping each document's first line number. */
export function splitYamlDocuments(text: string): YamlChunk[] {
  const chunks: YamlChunk[] = [];
  const re = /^(?:---|\.\.\.)(?=[ \t\r]|$)/gm;
  let start = 0;
  let startLine = 1;
  let afterMarker = false;
  let scanned = 0;
  let line = 1;
  const lineAt = (pos: number) => {
    line += countNewlines(text, scanned, pos);
    scanned = pos;
    return line;
  };
  const flush = (end: number) => {
    const body = text.slice(start, end);
    const firstNl = body.indexOf('\n');
    const rest = afterMarker ? (firstNl >= 0 ? body.slice(firstNl) : '') : body;
    const markerContent = afterMarker && /^---[ \t]+[^\s#]/.test(body);
    if (afterMarker || markerContent || /^[ \t]*[^\s#]/m.test(rest))
      chunks.push({ text: body.replace(/\r?\n$/, ''), startLine, counted: true });
  };
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    const pos = m.index;
    if (pos > start || afterMarker) flush(pos);
    const markerLine = lineAt(pos);
    if (m[0] === '---') {
      start = pos;
      startLine = markerLine;
      afterMarker = true;
    } else {
      const nl = text.indexOf('\n', pos);
      start = nl >= 0 ? nl + 1 : text.length;
      startLine = markerLine + 1;
      afterMarker = false;
    }
  }
  if (start < text.length || afterMarker) flush(text.length);
  return chunks;
}

interface FastList {
  values: unknown[];
  lines: number[];
}

/**
 * A block-style `items:` sequence parsed item by item (a dump of tens of thousands of objects would otherwise be
 * one huge document, slow and memory-hungry to load at once). Undefined when the layout is not the plain one
 * kubectl writes, or an item does not parse on its own (anchors across items); the caller then loads the
 * whole document.
 */
function parseListItems(chunk: YamlChunk, file: string): FastList | undefined {
  const text = chunk.text;
  const head = /^items:[ \t]*(?:#.*)?\r?$/m.exec(text);
  if (!head) return undefined;
  const starts: number[] = [];
  const lines: number[] = [];
  let indent = -1;
  let end = text.length;
  let line = chunk.startLine + countNewlines(text, 0, head.index);
  let pos = text.indexOf('\n', head.index) + 1;
  while (pos > 0 && pos < text.length) {
    line++;
    const nl = text.indexOf('\n', pos);
    let lead = 0;
    while (text.charCodeAt(pos + lead) === 32) lead++;
    const c = text.charCodeAt(pos + lead);
    const blank = c === 10 || c === 13 || c === 35 /* # */ || Number.isNaN(c);
    if (!blank) {
      const next = text.charCodeAt(pos + lead + 1);
      const dash =
        c === 45 /* - */ && (next === 32 || next === 10 || next === 13 || next === 9 || Number.isNaN(next));
      if (indent < 0) {
        if (!dash) return undefined;
        indent = lead;
      }
      if (lead < indent || (lead === indent && !dash)) {
        end = pos;
        break;
      }
      if (lead === indent) {
        starts.push(pos);
        lines.push(line);
      }
    }
    if (nl < 0) break;
    pos = nl + 1;
  }
  const strip = new RegExp(`^ {0,${indent + 2}}`, 'gm');
  const values: unknown[] = [];
  for (let k = 0; k < starts.length; k++) {
    const from = starts[k] as number;
    const to = k + 1 < starts.length ? (starts[k + 1] as number) : end;
    // "  - kind: Pod" -> "kind: Pod"; the item's other lines lose the sequence indentation
    const bare = text.charCodeAt(from + indent + 1) === 10; // "-" alone, the item starts on the next line
    const itemText = (bare ? '' : ' '.repeat(indent + 2)) + text.slice(from + indent + 2, to);
    try {
      values.push(load(itemText.replace(strip, ''), { schema: K8S_YAML, json: true, filename: file }));
    } catch {
      return undefined;
    }
  }
  return { values, lines };
}

/** Item lines through the (slower) `yaml` library, for List documents the line scan cannot read. */
function yamlItemLinesSlow(chunk: YamlChunk): (number | undefined)[] {
  const counter = new LineCounter();
  const doc = parseDocument(chunk.text, { lineCounter: counter, uniqueKeys: false });
  const items = isMap(doc.contents) ? doc.contents.get('items', true) : undefined;
  if (!isSeq(items)) return [];
  return items.items.map((node) => {
    const r = (node as { range?: [number, number, number] }).range;
    return r ? chunk.startLine + counter.linePos(r[0]).line - 1 : undefined;
  });
}

function parseYamlText(text: string, file: string): Collected {
  const out: Collected = { objects: [], documents: 0, problems: [] };
  splitYamlDocuments(text).forEach((chunk, index) => {
    out.documents++;
    const lines = chunk.text.slice(0, 20000).split('\n', 200);
    const firstContent = lines.findIndex((l) => !isBlankOrComment(l) && !isMarker(l));
    const line = firstContent >= 0 ? chunk.startLine + firstContent : chunk.startLine;
    const template = lines
      .slice(0, firstContent >= 0 ? firstContent : lines.length)
      .map((l) => /^#\s*Source:\s*(\S+)/.exec(l)?.[1])
      .find(Boolean);
    if (/^kind:[ \t]*["']?\w*List["']?[ \t]*(#.*)?\r?$/m.test(chunk.text)) {
      const fast = parseListItems(chunk, file);
      if (fast) {
        fast.values.forEach((item, i) => addObject(out, item, file, index, fast.lines[i] ?? line, template));
        return;
      }
    }
    let value: unknown;
    try {
      value = load(chunk.text, { schema: K8S_YAML, json: true, filename: file });
    } catch (err) {
      const e = err as { reason?: string; message: string; mark?: { line?: number } };
      out.problems.push({
        file,
        document: index,
        line: chunk.startLine + (e.mark?.line ?? firstContent),
        message: `YAML: ${e.reason ?? e.message.split('\n')[0]}`,
      });
      return;
    }
    if (value === null || value === undefined) return;
    let itemLines: (number | undefined)[] = [];
    if (isObj(value) && isList(value)) {
      const count = (value.items as unknown[]).length;
      itemLines = count ? yamlItemLinesSlow(chunk) : [];
    }
    addDocument(out, value, file, index, line, itemLines, template);
  });
  return out;
}

/** Parses one manifest text (YAML or JSON). `file` is how findings name it. */
export function parseManifestText(text: string, file: string): Collected {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    const parsed = parseJsonText(text, file);
    if (parsed) return parsed;
  }
  return parseYamlText(text, file);
}

export interface LoadOptions {
  cwd?: string;
  /** Reads standard input for `-`. */
  stdin?: () => string;
}

/**
 * Reads `--manifests` inputs: files, directories (recursively: *.yaml, *.yml, *.json) and `-` (stdin).
 * File names in `_source` are relative to the input directory (or as given for a file).
 */
export function loadManifests(inputs: string[], opts: LoadOptions = {}): ManifestLoad {
  const cwd = opts.cwd ?? process.cwd();
  const result: ManifestLoad = { root: '', objects: [], files: [], problems: [] };
  for (const input of inputs) {
    const jobs: { full: string | null; name: string }[] = [];
    if (input === '-') {
      jobs.push({ full: null, name: '<stdin>' });
      result.root ||= '<stdin>';
    } else {
      const full = path.resolve(cwd, input);
      let st;
      try {
        st = statSync(full);
      } catch {
        throw new UsageError(`--manifests ${input}: no such file or directory`);
      }
      result.root ||= full;
      if (st.isDirectory()) {
        const files: string[] = [];
        walk(full, files);
        for (const f of files) jobs.push({ full: f, name: path.relative(full, f) });
      } else jobs.push({ full, name: input });
    }
    for (const job of jobs) {
      let text: string;
      try {
        text = job.full === null ? (opts.stdin ?? (() => readFileSync(0, 'utf8')))() : readText(job.full);
      } catch (err) {
        result.problems.push({
          file: job.name,
          document: 0,
          message: `cannot read: ${(err as Error).message}`,
        });
        continue;
      }
      const parsed = parseManifestText(text, job.name);
      result.objects.push(...parsed.objects);
      result.problems.push(...parsed.problems);
      result.files.push({ file: job.name, documents: parsed.documents, resources: parsed.objects.length });
    }
  }
  return result;
}

/** Kubernetes objects by kind from a manifest load; namespaced objects without a namespace get `defaultNamespace`. */
export function manifestSource(
  load: ManifestLoad,
  opts: { namespaces?: string[]; defaultNamespace?: string } = {},
): K8sSource {
  const defaultNamespace = opts.defaultNamespace ?? 'default';
  const byKind = new Map<string, Obj[]>();
  const namespaced = new Set<string>(
    Object.values(KINDS)
      .filter((s) => s.namespaced)
      .map((s) => s.kind),
  );
  for (const o of load.objects) {
    const kind = o.kind as string;
    if (namespaced.has(kind)) {
      const meta = obj(o.metadata);
      if (!str(meta.namespace)) o.metadata = { ...meta, namespace: defaultNamespace };
      const ns = str(obj(o.metadata).namespace) as string;
      if (opts.namespaces?.length && !opts.namespaces.includes(ns)) continue;
    } else if (kind === 'Namespace' && opts.namespaces?.length) {
      if (!opts.namespaces.includes(str(obj(o.metadata).name) ?? '')) continue;
    }
    let list = byKind.get(kind);
    if (!list) byKind.set(kind, (list = []));
    list.push(o);
  }
  return {
    mode: 'manifests',
    async list(name: KindName) {
      return byKind.get(KINDS[name].kind) ?? [];
    },
    async version() {
      throw new Error('the server version is only available from the live API');
    },
  };
}
