// Trunk's post_build hook (Trunk.toml): in release builds, minifies wasm-bindgen's JS glue
// with terser (about 1.7 KB less gzipped; the page has a size budget) and puts the new file's
// subresource-integrity hash into index.html. (Trunk's own JS minifier cannot read
// wasm-bindgen's output and leaves it as it is.)
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { minify } from 'terser';

const dir = process.env.TRUNK_STAGING_DIR;
if (dir && process.env.TRUNK_PROFILE === 'release') {
  const htmlPath = join(dir, 'index.html');
  let html = readFileSync(htmlPath, 'utf8');
  for (const name of readdirSync(dir).filter((file) => file.endsWith('.js'))) {
    const path = join(dir, name);
    const source = readFileSync(path, 'utf8');
    const { code } = await minify(source, { module: true, compress: { passes: 2 }, mangle: true });
    writeFileSync(path, code);
    // Trunk hashed the file as it wrote it; without SRI (no_sri) there is nothing to update.
    html = html.replace(integrity(source), integrity(code));
  }
  writeFileSync(htmlPath, html);
}

function integrity(text) {
  return `sha384-${createHash('sha384').update(text).digest('base64')}`;
}
