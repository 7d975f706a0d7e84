import { generateErrorReference } from './generators/errors.ts';
import { generateSpecReference } from './generators/spec.ts';

/** Every generated page, by its path from the repository root. `npm run docs` writes them; a test checks drift. */
export const generatedDocs: Record<string, () => string> = {
  'docs/errors.md': generateErrorReference,
  'docs/spec.md': generateSpecReference,
};
