/**
 * Spec validation throughput: 1,000 spec files (two thirds valid, one third with errors in several sections),
 * each compiled as its own spec by compileSpec, against a bare pass: YAML.parse plus one ajv validation of the
 * root schema over the same files. The ratio is what positions, coded messages and semantic checks cost.
 * Run: node --import tsx bench/validate.ts
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { buildRootSchema } from '../compiler/buildRootSchema.ts';
import { compileSpec } from '../compiler/compileSpec.ts';
import { grammarFormats } from '../compiler/grammar/grammarFormats.ts';
import { builtinSections } from '../compiler/sections/builtinSections.ts';

const fileCount = 1000;
const platform = readFileSync('specs/platform.yaml', 'utf8');
const seed = readFileSync('specs/examples/combined/seed.yaml', 'utf8');
const breakages: ((text: string) => string)[] = [
  (t) => t.replace('max: 10', 'max: 0').replace('connection_pool:', 'conection_pool:'),
  (t) => t.replace('timeout: 3s', 'timeout: 30s').replace('severity: critical', 'severity: critcal'),
  (t) => t.replace('rate_limit: 1000req/min', 'rate_limit: 1000req/fortnight').replace('retention: 7d', 'retention: 1d'),
];

const dir = mkdtempSync(path.join(tmpdir(), 'dbarch-bench-'));
const files: string[] = [];
for (let i = 0; i < fileCount; i++) {
  const base = i % 2 === 0 ? platform : seed;
  const text = i % 3 === 2 ? breakages[i % breakages.length]!(base) : base;
  const file = path.join(dir, `spec-${String(i).padStart(4, '0')}.yaml`);
  // A comment per file keeps the texts distinct, so no layer can cache one parse for all.
  writeFileSync(file, `# bench file ${i}\n${text}`);
  files.push(file);
}

async function ours(): Promise<{ ms: number; invalid: number }> {
  const start = performance.now();
  let invalid = 0;
  for (const file of files) if (!(await compileSpec([file])).valid) invalid++;
  return { ms: performance.now() - start, invalid };
}

function bare(): { ms: number; invalid: number } {
  const ajv = new Ajv({ strict: false, allErrors: true, allowUnionTypes: true });
  for (const [name, check] of Object.entries(grammarFormats)) ajv.addFormat(name, { type: 'string', validate: (s: string) => check(s).ok });
  const validate = ajv.compile(buildRootSchema(builtinSections));
  const start = performance.now();
  let invalid = 0;
  for (const file of files) if (!validate(parse(readFileSync(file, 'utf8')))) invalid++;
  return { ms: performance.now() - start, invalid };
}

// One warm-up round each (JIT, ajv compilation), then the measured rounds.
await ours();
bare();
const rounds = 3;
let oursBest = Infinity;
let bareBest = Infinity;
let oursInvalid = 0;
let bareInvalid = 0;
for (let r = 0; r < rounds; r++) {
  const a = await ours();
  const b = bare();
  oursBest = Math.min(oursBest, a.ms);
  bareBest = Math.min(bareBest, b.ms);
  oursInvalid = a.invalid;
  bareInvalid = b.invalid;
}
const peakMiB = process.resourceUsage().maxRSS / 1024;
rmSync(dir, { recursive: true, force: true });

console.log(`spec validation bench: ${fileCount} files (${fileCount - oursInvalid} valid, ${oursInvalid} invalid), best of ${rounds}`);
console.log(`  dbarch compileSpec : ${(oursBest / 1000).toFixed(2)} s, ${Math.round((fileCount / oursBest) * 1000)} files/s`);
console.log(`  bare yaml + ajv    : ${(bareBest / 1000).toFixed(2)} s, ${Math.round((fileCount / bareBest) * 1000)} files/s (${bareInvalid} invalid: no semantic checks)`);
console.log(`  peak RSS           : ${peakMiB.toFixed(0)} MiB`);
console.log(`  ratio (dbarch / bare ajv time): ${(oursBest / bareBest).toFixed(2)}x`);
