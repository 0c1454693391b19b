/**
 * Manifest source: Kubernetes objects read from YAML / JSON files (multi-document YAML, `kind: List`,
 * Helm-rendered output, `kubectl get -o yaml|json` dumps). Each object carries `_source: {file, document, line}`;
 * broken documents are reported as problems and skipped.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { LineCounter, isMap, isSeq, parseAllDocuments, type Document } from 'yaml';
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

/** Byte offsets of the elements of the top-level `items` array of a JSON text (for line numbers). */
export function jsonItemOffsets(text: string): number[] {
  const offsets: number[] = [];
  let depth = 0;
  let inString = false;
  let lastString = '';
  let stringStart = 0;
  let keyAtDepth1 = '';
  let itemsDepth = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) {
        inString = false;
        if (depth === 1) lastString = text.slice(stringStart + 1, i);
      }
      continue;
    }
    if (c === 34) {
      inString = true;
      stringStart = i;
    } else if (c === 58 /* : */) {
      if (depth === 1) keyAtDepth1 = lastString;
    } else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (depth === itemsDepth && c === 123) offsets.push(i);
      depth++;
      if (c === 91 && depth === 2 && keyAtDepth1 === 'items') itemsDepth = 2;
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      depth--;
      if (depth === 1 && itemsDepth === 2 && c === 93) itemsDepth = -1;
    }
  }
  return offsets;
}

function lineAt(starts: number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] as number) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

interface Collected {
  objects: Obj[];
  documents: number;
  problems: ManifestProblem[];
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
  const item = o as Obj;
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
  const starts = lineStarts(text);
  const first = text.search(/\S/);
  const docLine = first >= 0 ? lineAt(starts, first) : 1;
  if (Array.isArray(value)) {
    value.forEach((v) => addDocument(out, v, file, 0, docLine, []));
    return out;
  }
  const itemLines = isObj(value) && isList(value) ? jsonItemOffsets(text).map((o) => lineAt(starts, o)) : [];
  addDocument(out, value, file, 0, docLine, itemLines);
  return out;
}

function parseYamlText(text: string, file: string): Collected {
  const out: Collected = { objects: [], documents: 0, problems: [] };
  const lines = new LineCounter();
  let docs: Document.Parsed[];
  try {
    docs = parseAllDocuments(text, { lineCounter: lines, uniqueKeys: false }) as Document.Parsed[];
  } catch (err) {
    out.problems.push({ file, document: 0, message: `YAML: ${(err as Error).message}` });
    return out;
  }
  if (!Array.isArray(docs)) docs = [docs];
  docs.forEach((doc, index) => {
    out.documents++;
    const contents = doc.contents;
    const start = contents?.range?.[0];
    const line = start !== undefined ? lines.linePos(start).line : undefined;
    if (doc.errors.length) {
      const err = doc.errors[0]!;
      const errLine = err.linePos?.[0]?.line ?? line;
      out.problems.push({
        file,
        document: index,
        ...(errLine !== undefined ? { line: errLine } : {}),
        message: `YAML: ${err.message.split('\n')[0]}`,
      });
      return;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 1000 });
    } catch (err) {
      out.problems.push({
        file,
        document: index,
        ...(line !== undefined ? { line } : {}),
        message: `YAML: ${(err as Error).message}`,
      });
      return;
    }
    const itemLines: (number | undefined)[] = [];
    if (isMap(contents)) {
      const items = contents.get('items', true);
      if (isSeq(items)) {
        for (const node of items.items) {
          const r = (node as { range?: [number, number, number] }).range;
          itemLines.push(r ? lines.linePos(r[0]).line : undefined);
        }
      }
    }
    const comment = `${doc.commentBefore ?? ''}\n${contents?.commentBefore ?? ''}`;
    const template = /(?:^|\n)\s*Source:\s*(\S+)/.exec(comment)?.[1];
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
        text =
          job.full === null
            ? (opts.stdin ?? (() => readFileSync(0, 'utf8')))()
            : readFileSync(job.full, 'utf8');
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
