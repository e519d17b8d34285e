// Prints the gzipped size of dist/ JS + CSS and fails above the budget.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';

const BUDGET = 60 * 1024;
const root = new URL('../dist/', import.meta.url).pathname;

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

let files;
try {
  files = walk(root).filter((f) => /\.(m?js|css)$/.test(f));
} catch {
  console.error('dist/ not found: run `npm run build` first');
  process.exit(1);
}
if (files.length === 0) {
  console.error('no JS or CSS in dist/: run `npm run build` first');
  process.exit(1);
}
let total = 0;
for (const file of files.sort()) {
  const raw = readFileSync(file);
  const gz = gzipSync(raw, { level: 9 }).length;
  total += gz;
  console.log(`${relative(root, file).padEnd(40)} ${String(raw.length).padStart(8)} B  ${String(gz).padStart(7)} B gzip`);
}
const verdict = total <= BUDGET ? 'within' : 'OVER';
console.log(`total JS+CSS gzipped: ${total} B (${(total / 1024).toFixed(1)} KiB), ${verdict} the ${BUDGET / 1024} KiB budget`);
process.exit(total <= BUDGET ? 0 : 1);
