// Part of `npm run build`: the pages' templates beside the compiled code, and the assets
// (stylesheet, script, icon) built once, fingerprinted and compressed, into dist/assets.
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { PROJECT_ROOT, WebAssets } from '../libs/web/src/shell/assets';

const source = join(PROJECT_ROOT, 'libs', 'web', 'src');
const target = join(PROJECT_ROOT, 'dist', 'libs', 'web', 'src');

function templatesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? templatesUnder(join(dir, entry.name)) : entry.name.endsWith('.njk') ? [join(dir, entry.name)] : [],
  );
}

const templates = templatesUnder(source);
for (const file of templates) {
  const to = join(target, relative(source, file));
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(file, to);
}
const assets = WebAssets.build(join(PROJECT_ROOT, 'dist', 'assets'));
const sizes = Object.entries(assets.sizes()).map(([name, s]) => `${name} ${s.raw} B (${s.br} B brotli)`);
process.stdout.write(`web: ${templates.length} templates; assets: ${sizes.join(', ')}\n`);
