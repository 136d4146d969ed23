import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import * as sass from 'sass';

/**
 * The pages' stylesheet, script and icon, each served under a name carrying a hash of its content
 * (`app.3f2a9c1b7d0e.css`), so browsers may keep it for a year: a changed file is a new name.
 * Built by `npm run build` into dist/assets; run from source (tests, development) they are built
 * once into var/assets and reused until a source changes.
 */
export interface AssetManifest {
  /** A hash of everything the assets are built from: a stale build is rebuilt. */
  sourceHash: string;
  /** Logical name (`app.css`) → file name under the assets directory. */
  files: Record<string, string>;
}

const ROOT = projectRoot(__dirname);
const GOVUK = join(ROOT, 'node_modules', 'govuk-frontend', 'dist', 'govuk');
const STYLES = join(sourceDir(), 'styles');
const SOURCES = {
  'app.css': join(STYLES, 'app.scss'),
  'govuk-frontend.js': join(GOVUK, 'govuk-frontend.min.js'),
  'favicon.svg': join(sourceDir(), 'images', 'favicon.svg'),
};

export class WebAssets {
  private constructor(
    readonly dir: string,
    private readonly manifest: AssetManifest,
  ) {}

  /** The assets for this process: built ones when running a build, else built (or reused) in var/assets. */
  static prepare(): WebAssets {
    const built = join(ROOT, 'dist', 'assets');
    if (__dirname.startsWith(join(ROOT, 'dist')) && existsSync(join(built, 'manifest.json'))) return WebAssets.load(built);
    return WebAssets.build(join(ROOT, 'var', 'assets'));
  }

  static load(dir: string): WebAssets {
    return new WebAssets(dir, JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as AssetManifest);
  }

  /** Builds into `dir` unless what is there was built from the same sources. */
  static build(dir: string): WebAssets {
    const sourceHash = hashOfSources();
    const manifestPath = join(dir, 'manifest.json');
    if (existsSync(manifestPath)) {
      const current = WebAssets.load(dir);
      if (current.manifest.sourceHash === sourceHash && Object.values(current.manifest.files).every((f) => existsSync(join(dir, f)))) return current;
    }
    // Built beside and renamed into place: two processes starting at once never see half a build.
    const staging = `${dir}.${process.pid}.${Date.now()}`;
    mkdirSync(staging, { recursive: true });
    const files: Record<string, string> = {};
    for (const [name, source] of Object.entries(SOURCES)) {
      const content = name.endsWith('.css') ? compileStyles(source) : readFileSync(source);
      const file = `${name.slice(0, -extname(name).length)}.${createHash('sha256').update(content).digest('hex').slice(0, 12)}${extname(name)}`;
      writeFileSync(join(staging, file), content);
      // Compressed once here, so no request pays for it (served by @fastify/static's preCompressed).
      writeFileSync(join(staging, `${file}.br`), brotliCompressSync(content, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
      writeFileSync(join(staging, `${file}.gz`), gzipSync(content, { level: 9 }));
      files[name] = file;
    }
    const manifest: AssetManifest = { sourceHash, files };
    writeFileSync(join(staging, 'manifest.json'), JSON.stringify(manifest, null, 2));
    mkdirSync(dirname(dir), { recursive: true });
    const old = `${dir}.old.${process.pid}.${Date.now()}`;
    if (existsSync(dir)) renameSync(dir, old);
    try {
      renameSync(staging, dir);
    } catch {
      // Another process put its build in place first: it was built from the same sources.
      rmSync(staging, { recursive: true, force: true });
    }
    rmSync(old, { recursive: true, force: true });
    return WebAssets.load(dir);
  }

  /** The URL of an asset by its logical name. */
  url(name: keyof typeof SOURCES): string {
    const file = this.manifest.files[name];
    if (!file) throw new Error(`No asset ${name}`);
    return `/assets/${file}`;
  }

  /** Every file name served, with its size uncompressed and brotli-compressed (for the weight budget). */
  sizes(): Record<string, { raw: number; br: number; gz: number }> {
    return Object.fromEntries(
      Object.entries(this.manifest.files).map(([name, file]) => [
        name,
        {
          raw: readFileSync(join(this.dir, file)).length,
          br: readFileSync(join(this.dir, `${file}.br`)).length,
          gz: readFileSync(join(this.dir, `${file}.gz`)).length,
        },
      ]),
    );
  }
}

function compileStyles(path: string): Buffer {
  const result = sass.compile(path, { loadPaths: [join(ROOT, 'node_modules')], style: 'compressed', quietDeps: true });
  return Buffer.from(result.css);
}

function hashOfSources(): string {
  const hash = createHash('sha256');
  const version = (JSON.parse(readFileSync(join(GOVUK, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
  hash.update(`govuk-frontend@${version}\n`);
  for (const file of [...readdirSync(STYLES).map((f) => join(STYLES, f)).sort(), ...Object.values(SOURCES)]) {
    hash.update(file.slice(ROOT.length)).update(readFileSync(file));
  }
  return hash.digest('hex');
}

/** The source directory of the shell (styles, images): beside this file in src, in the repository when built. */
function sourceDir(): string {
  const here = __dirname;
  const dist = join(ROOT, 'dist');
  return here.startsWith(dist) ? join(ROOT, here.slice(dist.length + 1)) : here;
}

function projectRoot(from: string): string {
  let dir = resolve(from);
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`No package.json above ${from}`);
    dir = parent;
  }
  return dir;
}

export const PROJECT_ROOT = ROOT;
