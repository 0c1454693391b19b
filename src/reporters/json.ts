import type { Reporter } from './types.js';

export const jsonReporter: Reporter = {
  id: 'json',
  extension: 'json',
  description: 'results document (schemas/results.schema.json)',
  render: (doc) => `${JSON.stringify(doc, null, 2)}\n`,
};
