/** YAML/JSON parsing that remembers where every value came from, for file:line error messages. */
import { readFileSync } from 'node:fs';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';

export interface Problem {
  file: string;
  line?: number;
  /** JSON pointer into the document, e.g. /test/all/0/op */
  path?: string;
  message: string;
}

export function formatProblem(p: Problem): string {
  const where = p.line ? `${p.file}:${p.line}` : p.file;
  return `${where}: ${p.path ? `${p.path}: ` : ''}${p.message}`;
}

export interface ParsedYaml {
  file: string;
  data: unknown;
  doc: Document;
  lines: LineCounter;
  problems: Problem[];
}

export function parseYamlText(text: string, file: string): ParsedYaml {
  const lines = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter: lines,
    uniqueKeys: true,
    prettyErrors: false,
    strict: true,
  });
  const problems: Problem[] = [];
  for (const err of [...doc.errors, ...doc.warnings]) {
    const line = err.linePos?.[0]?.line ?? (err.pos ? lines.linePos(err.pos[0]).line : undefined);
    const first = err.message.split('\n')[0] ?? err.message;
    problems.push({ file, line, message: first.replace(/ at line \d+, column \d+.*$/, '') });
  }
  const data = doc.errors.length ? undefined : doc.toJS({ maxAliasCount: 100 });
  return { file, data, doc, lines, problems };
}

export function parseYamlFile(file: string): ParsedYaml {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    const lines = new LineCounter();
    return {
      file,
      data: undefined,
      doc: parseDocument(''),
      lines,
      problems: [{ file, message: `cannot read file (${code})` }],
    };
  }
  return parseYamlText(text, file);
}

function decodePointer(pointer: string): string[] {
  if (!pointer) return [];
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/**
 * Line of the value at a JSON pointer; with `key`, the line of that key inside the map at the pointer.
 * Falls back to the nearest ancestor that exists.
 */
export function lineOf(parsed: ParsedYaml, pointer: string, key?: string): number | undefined {
  const segments = decodePointer(pointer);
  let node: unknown = parsed.doc.contents;
  let lastRange: [number, number, number] | undefined = (node as Node | null)?.range ?? undefined;
  for (const seg of segments) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === seg);
      if (!pair) break;
      node = pair.value;
      const keyRange = isScalar(pair.key) ? pair.key.range : undefined;
      lastRange = (node as Node | null)?.range ?? keyRange ?? lastRange;
    } else if (isSeq(node)) {
      const item = node.items[Number(seg)];
      if (item === undefined) break;
      node = item;
      lastRange = (node as Node | null)?.range ?? lastRange;
    } else break;
  }
  if (key !== undefined && isMap(node)) {
    const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
    if (pair && isScalar(pair.key) && pair.key.range) lastRange = pair.key.range;
  }
  if (!lastRange) return undefined;
  return parsed.lines.linePos(lastRange[0]).line;
}
