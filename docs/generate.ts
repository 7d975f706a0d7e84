import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generatedDocs } from './generatedDocs.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
for (const [path, generate] of Object.entries(generatedDocs)) {
  writeFileSync(join(root, path), generate());
  console.log(`wrote ${path}`);
}
