// @ts-check
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';

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
  integrations: [mdx()],
});
