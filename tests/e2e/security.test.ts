/**
 * Text from an export never runs as code. The e2e export carries `<img onerror>`,
 * `</script><script>` and attribute-breaking payloads in region names, channels and a
 * masked name; every built page is opened in Chromium with its Content-Security-Policy
 * and again with the CSP bypassed (so escaping alone is proven too), and nothing may
 * execute. Separately, every page's CSP allows scripts only from the site or by a hash
 * the build computed, and the browser enforces it against code injected at run time.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildE2eSite, chromiumAvailable, siteSession, watchedContext } from './browser.ts';
import { E2E, XSS } from './export.ts';
import { allPages } from './page-types.ts';

const ready = chromiumAvailable();
const site = ready ? buildE2eSite() : null;
const pages = site ? allPages(site) : [];

const session = siteSession(site);

/** What the HTML of a page declares, as Chromium parsed it (scripts disabled, so nothing is added at run time). */
interface PageFacts {
  path: string;
  csp: string | null;
  cspBeforeScripts: boolean;
  scripts: Array<{ src: string | null; type: string; text: string }>;
}

/** The CSP of a page as directive → sources. */
function directives(csp: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const d of csp.split(';')) {
    const [name, ...sources] = d.trim().split(/\s+/);
    if (name) out.set(name, sources);
  }
  return out;
}

const isDataBlock = (type: string) => /json/i.test(type);

describe.skipIf(!ready)('the Content-Security-Policy of every page', () => {
  const facts: PageFacts[] = [];

  beforeAll(async () => {
    // Chromium's own HTML parser, on the files as served, without loading each page.
    const { context } = await watchedContext(session.browser, session.server.origin, { javaScriptEnabled: true });
    try {
      const page = await context.newPage();
      await page.goto(session.server.origin + '/', { waitUntil: 'load' });
      for (const path of pages) {
        const html = readFileSync(join(site!.dist, path.endsWith('/') ? `${path}index.html` : path), 'utf8');
        facts.push({
          path,
          ...(await page.evaluate((text) => {
            const doc = new DOMParser().parseFromString(text, 'text/html');
            const metas = Array.from(doc.querySelectorAll('meta[http-equiv="content-security-policy" i]'));
            const scripts = Array.from(doc.querySelectorAll('script'));
            const meta = metas[0];
            return {
              csp: metas.length === 1 ? meta!.getAttribute('content') : null,
              cspBeforeScripts: !!meta && meta.parentElement === doc.head &&
                scripts.every((s) => !!(meta.compareDocumentPosition(s) & Node.DOCUMENT_POSITION_FOLLOWING)),
              scripts: scripts.map((s) => ({ src: s.getAttribute('src'), type: s.type, text: s.text })),
            };
          }, html)),
        });
      }
    } finally {
      await context.close();
    }
  });

  it('the build has pages to check', () => {
    expect(facts.length).toBeGreaterThan(0);
    expect(facts.length).toBe(pages.length);
  });

  it('is one <meta> in <head> before any script, allowing scripts only from the site or by hash', () => {
    for (const f of facts) {
      expect(f.csp, `${f.path} has no (or more than one) CSP meta`).not.toBeNull();
      expect(f.cspBeforeScripts, `${f.path}: the CSP meta must come before every script`).toBe(true);
      const csp = directives(f.csp!);
      const script = csp.get('script-src') ?? [];
      expect(script, f.path).toContain("'self'");
      for (const bad of ["'unsafe-inline'", "'unsafe-eval'", '*', 'data:', 'http:', 'https:']) expect(script, `${f.path} script-src`).not.toContain(bad);
      expect(script.filter((x) => /^https?:\/\//.test(x)), `${f.path}: scripts from other hosts`).toEqual([]);
      expect(csp.get('style-src') ?? [], `${f.path} style-src`).not.toContain("'unsafe-inline'");
      // <style> elements only from the site or by the build's hash; inline style attributes are allowed.
      expect(csp.get('style-src-elem') ?? [], `${f.path} style-src-elem`).not.toContain("'unsafe-inline'");
      expect(csp.get('style-src-elem') ?? [], `${f.path} style-src-elem`).toContain("'self'");
      expect(csp.get('default-src'), f.path).toEqual(["'self'"]);
      expect(csp.get('object-src'), f.path).toEqual(["'none'"]);
      expect(csp.get('base-uri'), f.path).toEqual(["'self'"]);
    }
  });

  it('lists the build-time hash of every inline script; data blocks are valid JSON; script files are the site\'s', () => {
    for (const f of facts) {
      const script = directives(f.csp ?? '').get('script-src') ?? [];
      for (const s of f.scripts) {
        if (s.src !== null) {
          expect(new URL(s.src, session.server.origin).origin, `${f.path}: script from another host`).toBe(session.server.origin);
        } else if (isDataBlock(s.type)) {
          expect(() => JSON.parse(s.text), `${f.path}: a JSON block that does not parse (was it broken out of?)`).not.toThrow();
        } else {
          const hash = `'sha256-${createHash('sha256').update(s.text).digest('base64')}'`;
          expect(script, `${f.path}: inline script not hashed: ${s.text.slice(0, 60)}`).toContain(hash);
        }
      }
    }
  });

  it('stops scripts and event handlers injected into a page at run time', async () => {
    const { context, watch } = await watchedContext(session.browser, session.server.origin);
    try {
      const page = await context.newPage();
      await page.goto(session.server.origin + '/', { waitUntil: 'networkidle' });
      const result = await page.evaluate(async () => {
        const w = window as unknown as Record<string, unknown>;
        const violations: string[] = [];
        document.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective));
        const s = document.createElement('script');
        s.textContent = 'window.__csp = 1';
        document.body.append(s);
        const div = document.createElement('div');
        div.innerHTML = '<img src="data:," onerror="window.__csp = 2">';
        document.body.append(div);
        await new Promise((r) => setTimeout(r, 300));
        return { ran: w.__csp ?? null, violations };
      });
      expect(result.ran).toBeNull();
      expect(result.violations.length).toBeGreaterThanOrEqual(2);
      expect(watch.dialogs).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

/** What one sweep over every page found: code that ran, and the text the pages showed. */
interface Sweep {
  findings: string[];
  text: string;
  dialogs: string[];
  broken: string[];
}

/** Opens every page (a few tabs at a time) and looks for any trace of the payloads running. */
async function sweep(bypassCSP: boolean): Promise<Sweep> {
  const { context, watch } = await watchedContext(session.browser, session.server.origin, { bypassCSP });
  const out: Sweep = { findings: [], text: '', dialogs: watch.dialogs, broken: watch.broken };
  try {
    const queue = [...pages];
    const worker = async () => {
      const page = await context.newPage();
      for (let path = queue.shift(); path !== undefined; path = queue.shift()) {
        // Inline scripts and svg onload run while parsing; an <img src=x> fails before the load event.
        await page.goto(session.server.origin + path, { waitUntil: 'load' });
        const r = await page.evaluate(() => {
          const found: string[] = [];
          const w = window as unknown as Record<string, unknown>;
          if (w.__xss !== undefined) found.push(`window.__xss = ${String(w.__xss)}`);
          for (const el of Array.from(document.querySelectorAll('*'))) {
            for (const a of Array.from(el.attributes)) if (/^on/i.test(a.name)) found.push(`<${el.localName} ${a.name}="${a.value}">`);
          }
          for (const s of Array.from(document.scripts)) if (s.text.includes('__xss') && !/json/.test(s.type)) found.push(`<script> with ${s.text.slice(0, 40)}`);
          return { found, text: document.documentElement.textContent ?? '' };
        });
        out.findings.push(...r.found.map((x) => `${path}: ${x}`));
        out.text += r.text;
      }
    };
    await Promise.all([worker(), worker(), worker()]);
    await watch.settle();
    return out;
  } finally {
    await context.close();
  }
}

describe.skipIf(!ready)('hostile text from the CSV', () => {
  let withCsp: Sweep;
  let escapingAlone: Sweep;

  beforeAll(async () => {
    withCsp = await sweep(false);
    escapingAlone = await sweep(true);
  });

  it('reaches the pages, as text', () => {
    // Region names always reach a page (the overview lists towns and villages).
    for (const payload of [XSS.imgInRegion, XSS.scriptInRegion, XSS.attrBreakInTown]) expect(withCsp.text, payload).toContain(payload);
    // Channels and masked names reach pages once notices are built.
    if (site!.has(`/r/${E2E.xssVillages[0].code}/2025/`)) {
      for (const payload of [XSS.scriptInChannel, XSS.imgInChannel, XSS.maskedName]) expect(withCsp.text, payload).toContain(payload);
    }
  });

  for (const mode of ['with the CSP', 'with the CSP bypassed (escaping alone)'] as const) {
    it(`runs on no page, ${mode}`, () => {
      const s = mode === 'with the CSP' ? withCsp : escapingAlone;
      expect(s.findings).toEqual([]);
      expect(s.dialogs).toEqual([]);
      // An <img src=x> that became an element would have requested /x or ./x.
      expect(s.broken.filter((b) => /\/x$/.test(b))).toEqual([]);
    });
  }
});
