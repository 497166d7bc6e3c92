// @ts-check
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';
import { siteFiles } from './scripts/site-files.ts';

/** The public address comes from the publication (site.json baseUrl), for canonical links and QR codes. */
function siteUrl() {
  try {
    const meta = JSON.parse(readFileSync(resolve(process.env.SITE_DATA_DIR ?? '.data', 'meta.json'), 'utf8'));
    return meta.baseUrl;
  } catch {
    return 'https://gongshi.example.cn';
  }
}

export default defineConfig({
  site: siteUrl(),
  trailingSlash: 'always',
  build: { format: 'directory', inlineStylesheets: 'never' },
  devToolbar: { enabled: false },
  integrations: [mdx(), siteFiles()],
  // Shiki colours code with inline style attributes, which the CSP below blocks: code in
  // articles stays plain (src/components/Code.astro).
  markdown: { syntaxHighlight: false },
  vite: {
    build: {
      rolldownOptions: {
        // Astro marks MDX modules that inject into <head> with a module-level directive that
        // the bundler says it may not keep; pages render the same with it (the warning came on
        // every build, in English, to the officials who run it). Other warnings still show.
        onLog(level, log, handler) {
          if (log.code === 'MODULE_LEVEL_DIRECTIVE' && log.message.includes('astro:head-inject')) return;
          handler(level, log);
        },
      },
    },
  },
  // Content-Security-Policy as a <meta> on every page: scripts and styles only from the
  // site itself or with the hashes Astro computes at build time, so text from a CSV can
  // never run even if it escaped. 'wasm-unsafe-eval' is for Pagefind's search index.
  // Tested in tests/e2e/security.test.ts.
  security: {
    csp: {
      directives: [
        "default-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
      ],
      scriptDirective: { resources: ["'self'", "'wasm-unsafe-eval'"] },
      // Style attributes (table column alignment from Markdown, chart sizes) are allowed
      // (style-src-attr); <style> elements still need the build's hash (style-src-elem, where
      // Astro puts its hashes once 'self' is scoped to elements too). Styles cannot run code.
      // Scoping both sources keeps Astro from warning on every build that a style-src source
      // does not apply to the scoped directives.
      styleDirective: { resources: [{ resource: "'self'", kind: 'element' }, { resource: "'unsafe-inline'", kind: 'attribute' }] },
    },
  },
});
