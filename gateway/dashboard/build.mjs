// Bundles src/ into dist/ (the folder the gateway serves): one JS file, one CSS file and index.html, every asset from
// this project's own npm dependencies, so the dashboard needs no CDN and no internet at run time.
import { build } from 'esbuild';
import { copyFile, mkdir } from 'node:fs/promises';

// Overwritten in place, not deleted first: a gateway build running meanwhile may be copying these files.
const dist = new URL('./dist/', import.meta.url);
await mkdir(dist, { recursive: true });
await build({
  entryPoints: ['src/main.js'],
  bundle: true,
  minify: true,
  sourcemap: true,
  format: 'esm',
  target: ['chrome110', 'firefox110', 'safari16'],
  outfile: 'dist/app.js',
  logLevel: 'warning',
});
await copyFile(new URL('./src/index.html', import.meta.url), new URL('index.html', dist));
console.log('dashboard built into gateway/dashboard/dist');
