import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { packageRoot } from '../core/paths.js';

export const ajv = new Ajv({ strict: true, strictRequired: false, allErrors: true, allowUnionTypes: true });

const compiled = new Map<string, ValidateFunction>();

/** Compiles a schema from the package's schemas/ directory once. */
export function schemaValidator(name: string): ValidateFunction {
  const hit = compiled.get(name);
  if (hit) return hit;
  const schema = JSON.parse(
    readFileSync(join(packageRoot(), 'schemas', `${name}.schema.json`), 'utf8'),
  ) as object;
  const fn = ajv.compile(schema);
  compiled.set(name, fn);
  return fn;
}

/** Compiles an inline schema (e.g. a check function's options) once per object. */
const inline = new WeakMap<object, ValidateFunction>();
export function inlineValidator(schema: object): ValidateFunction {
  const hit = inline.get(schema);
  if (hit) return hit;
  const fn = ajv.compile(schema);
  inline.set(schema, fn);
  return fn;
}

/** Turns ajv errors into readable messages, dropping the noise of if/then branches. */
export function describeAjvErrors(
  errors: ErrorObject[] | null | undefined,
): { pointer: string; key?: string; message: string }[] {
  const out: { pointer: string; key?: string; message: string }[] = [];
  const seen = new Set<string>();
  for (const e of errors ?? []) {
    if (e.keyword === 'if') continue;
    let message: string;
    let key: string | undefined;
    switch (e.keyword) {
      case 'additionalProperties':
        key = String((e.params as { additionalProperty: string }).additionalProperty);
        message = `unknown key "${key}"`;
        break;
      case 'required':
        message =
          e.schema && (e.parentSchema as { description?: string })?.description
            ? String((e.parentSchema as { description?: string }).description)
            : `missing required key "${String((e.params as { missingProperty: string }).missingProperty)}"`;
        break;
      case 'enum': {
        const allowed = (e.params as { allowedValues: unknown[] }).allowedValues;
        const last = e.instancePath.split('/').pop();
        const what =
          last === 'op' ? 'unknown operator' : last === 'check' ? 'unknown check function' : 'invalid value';
        message = `${what}: expected one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`;
        break;
      }
      case 'type':
        message = `must be ${String((e.params as { type: string }).type)}`;
        break;
      default:
        message = e.message ?? e.keyword;
    }
    const sig = `${e.instancePath}|${key ?? ''}|${message}`;
    if (seen.has(sig)) continue;
    seen.add(sig);
    out.push({ pointer: e.instancePath, key, message });
  }
  return out;
}
