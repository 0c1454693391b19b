import { DefinitionError } from '../core/errors.js';
import { describeAjvErrors, schemaValidator } from './schemas.js';
import { formatProblem, lineOf, parseYamlFile, type ParsedYaml, type Problem } from './yaml.js';

/**
 * Reads a YAML (or JSON) document and validates it against one of the package schemas. Every problem is
 * reported at once with file, line and path; the first failing file raises a DefinitionError (exit 2).
 */
export function loadValidatedYaml<T>(
  file: string,
  schema: string,
  what: string,
): { data: T; parsed: ParsedYaml } {
  const parsed = parseYamlFile(file);
  const problems: Problem[] = [...parsed.problems];
  if (!problems.length) {
    if (parsed.data === undefined || parsed.data === null) {
      problems.push({ file, message: `empty ${what} file` });
    } else {
      const validate = schemaValidator(schema);
      if (!validate(parsed.data)) {
        for (const e of describeAjvErrors(validate.errors)) {
          problems.push({
            file,
            line: lineOf(parsed, e.pointer, e.key),
            path: e.key ? `${e.pointer}/${e.key}` : e.pointer || '/',
            message: e.message,
          });
        }
      }
    }
  }
  if (problems.length) {
    throw new DefinitionError(
      `${file}: invalid ${what} file (${problems.length} problem(s))`,
      problems.map(formatProblem),
    );
  }
  return { data: parsed.data as T, parsed };
}

/** Adds a semantic problem found after schema validation. */
export function semanticError(
  parsed: ParsedYaml,
  pointer: string,
  message: string,
  what: string,
): DefinitionError {
  const p: Problem = { file: parsed.file, line: lineOf(parsed, pointer), path: pointer, message };
  return new DefinitionError(`${parsed.file}: invalid ${what} file`, [formatProblem(p)]);
}
