/** Reads a results document written by `--format json` (for `rampart report --from`). */
import { readFileSync } from 'node:fs';
import { DefinitionError, UsageError } from '../core/errors.js';
import type { ResultsDocument } from '../core/types.js';
import { describeAjvErrors, schemaValidator } from './schemas.js';
import { lineOf, parseYamlText } from './yaml.js';

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Parses and validates a results document; problems name the file, the line and the JSON path. */
export function parseResultsDocument(text: string, file: string): ResultsDocument {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    const msg = (err as Error).message;
    const pos = /position (\d+)/.exec(msg);
    const located = parseYamlText(text, file).problems.find((p) => p.line !== undefined)?.line;
    const line = pos ? lineAt(text, Number(pos[1])) : located;
    const what =
      /^(Unexpected token '.'|Unexpected end of JSON input|Unexpected non-whitespace character|Expected [^,(]+|Bad control character[^,(]*|Unterminated string)/
        .exec(msg)?.[0]
        ?.replace(/ in JSON( at position \d+)?$/, '') ?? 'syntax error';
    throw new DefinitionError(
      `${file}${line ? `:${line}` : ''}: not valid JSON (${what}); expected results written by "--format json"`,
    );
  }
  const validate = schemaValidator('results');
  if (!validate(data)) {
    const parsed = parseYamlText(text, file);
    const problems = describeAjvErrors(validate.errors)
      .slice(0, 50)
      .map((e) => {
        const line = lineOf(parsed, e.pointer, e.key);
        const path = e.key ? `${e.pointer}/${e.key}` : e.pointer || '/';
        return `${file}${line ? `:${line}` : ''}: ${path}: ${e.message}`;
      });
    throw new DefinitionError(
      `${file}: not a valid Rampart results document (${problems.length} problem(s))`,
      problems,
    );
  }
  return data as ResultsDocument;
}

/** Reads `path` ("-" = stdin); messages name it as `label` (what the user typed). */
export function readResultsDocument(path: string, label = path): ResultsDocument {
  const file = label;
  let text: string;
  try {
    text = path === '-' ? readFileSync(0, 'utf8') : readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(
      `${file}: cannot read results file (${code ?? (err as Error).message})`,
      'pass a file written by "rampart scan ... --format json --output results.json"',
    );
  }
  return parseResultsDocument(text, file);
}
