/** Errors carrying an exit code and a one-line user message. Stack traces are shown only with --verbose. */
export class RampartError extends Error {
  /** Brand checked by isRampartError: instanceof breaks when a module is loaded twice (ESM + CJS loaders). */
  readonly rampart = true;
  constructor(
    message: string,
    readonly exitCode: number,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'RampartError';
  }
}

export const EXIT = {
  ok: 0,
  findings: 1,
  usage: 2,
  unreachable: 3,
} as const;

/** A definition (control, benchmark, facts file) is invalid: exit 2. */
export class DefinitionError extends RampartError {
  constructor(
    message: string,
    readonly problems: string[] = [],
  ) {
    super(message, EXIT.usage);
    this.name = 'DefinitionError';
  }
}

export class UsageError extends RampartError {
  constructor(message: string, hint?: string) {
    super(message, EXIT.usage, hint);
    this.name = 'UsageError';
  }
}

/** The target could not be reached or collection failed as a whole: exit 3. */
export class TargetUnreachableError extends RampartError {
  constructor(message: string, hint?: string) {
    super(message, EXIT.unreachable, hint);
    this.name = 'TargetUnreachableError';
  }
}

export function isRampartError(err: unknown): err is RampartError {
  return (
    typeof err === 'object' &&
    err !== null &&
    (err as { rampart?: unknown }).rampart === true &&
    typeof (err as { exitCode?: unknown }).exitCode === 'number'
  );
}
