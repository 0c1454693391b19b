import type { ResultsDocument } from '../core/types.js';

export interface RenderOptions {
  color: boolean;
  verbose: boolean;
  /** Findings shown per control in human formats before "and N more". */
  maxFindings?: number;
  /** Classification label printed on every page of documents (e.g. "CONFIDENTIAL"). */
  classification?: string;
  /** Who performed the assessment, for the cover page and sign-off. */
  assessor?: string;
  /**
   * SHA-256 (hex) of the evidence behind the report: the results document as written by the json format and,
   * when the run evaluated one, the fact set as written to an evidence bundle (`facts.json`). Set by the CLI.
   */
  digests?: { results: string; facts?: string };
}

export interface Reporter {
  id: string;
  extension: string;
  description: string;
  /** Binary formats (PDF) return a Buffer; they may be asynchronous. */
  binary?: boolean;
  /** May print to stdout; binary formats must be written to a file. */
  render(doc: ResultsDocument, opts: RenderOptions): string | Buffer | Promise<string | Buffer>;
}
