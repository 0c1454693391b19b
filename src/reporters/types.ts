import type { ResultsDocument } from '../core/types.js';

export interface RenderOptions {
  color: boolean;
  verbose: boolean;
  /** Findings shown per control in human formats before "and N more". */
  maxFindings?: number;
}

export interface Reporter {
  id: string;
  extension: string;
  description: string;
  render(doc: ResultsDocument, opts: RenderOptions): string;
}
