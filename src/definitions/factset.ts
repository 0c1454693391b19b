import { readFileSync } from 'node:fs';
import { DefinitionError, UsageError } from '../core/errors.js';
import type { FactSet } from '../core/types.js';
import { describeAjvErrors, schemaValidator } from './schemas.js';
import { parseYamlText } from './yaml.js';

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Parses and validates a fact set; errors name the file, the line (for JSON syntax) and the path. */
export function parseFactSet(text: string, file: string): FactSet {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    const msg = (err as Error).message;
    // Node's message carries no position for most errors; the YAML parser (JSON is YAML) locates it.
    const pos = /position (\d+)/.exec(msg);
    const located = parseYamlText(text, file).problems.find((p) => p.line !== undefined)?.line;
    const line = pos ? lineAt(text, Number(pos[1])) : located;
    const what =
      /^(Unexpected token '.'|Unexpected end of JSON input|Unexpected non-whitespace character|Expected [^,(]+|Bad control character[^,(]*|Unterminated string)/.exec(
        msg,
      )?.[0] ?? 'syntax error';
    throw new DefinitionError(
      `${file}${line ? `:${line}` : ''}: not valid JSON (${what}); expected a fact set written by "rampart collect"`,
    );
  }
  const validate = schemaValidator('facts');
  if (!validate(data)) {
    const problems = describeAjvErrors(validate.errors).map(
      (e) => `${file}: ${e.key ? `${e.pointer}/${e.key}` : e.pointer || '/'}: ${e.message}`,
    );
    throw new DefinitionError(
      `${file}: not a valid Rampart fact set (${problems.length} problem(s))`,
      problems,
    );
  }
  return data as FactSet;
}

export function readFactSet(file: string): FactSet {
  let text: string;
  try {
    text = file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(
      `${file}: cannot read facts file (${code ?? (err as Error).message})`,
      'pass a file written by "rampart collect ... --out <file>"',
    );
  }
  return parseFactSet(text, file);
}
