// The HTML report in a real Chromium: findings visible and grouped by severity, nothing fetched, nothing executed.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { htmlRenderer } from '../../reports/html.ts';
import { renderToFile } from '../../reports/index.ts';
import { hostileFinding, sampleFindings, sampleReport, sampleRules } from '../../reports/test-fixtures.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe('report.html in Chromium', () => {
  let launched: Browser | undefined;
  let dir: string;
  const missing = `${CHROMIUM} is missing: apt-get install -y chromium`;
  /** No skipping: without Chromium every test here fails (CI installs it with apt-get install chromium). */
  const browser = (): Browser => {
    if (!launched) throw new Error(missing);
    return launched;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dutybound-html-'));
    if (existsSync(CHROMIUM)) launched = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  });

  it('has Chromium to run in', () => {
    expect(existsSync(CHROMIUM), missing).toBe(true);
    expect(launched?.isConnected()).toBe(true);
  });

  afterAll(async () => {
    await launched?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('shows every finding in its severity section, critical first, and requests nothing', async () => {
    const report = sampleReport(0, { failed: true, findings: [hostileFinding, ...sampleFindings(40)] });
    const file = join(dir, 'report.html');
    await renderToFile(htmlRenderer, report, file, { rules: sampleRules });
    const documentUrl = pathToFileURL(file).href;

    const page = await browser().newPage();
    const requests: string[] = [];
    const dialogs: string[] = [];
    const consoleErrors: string[] = [];
    page.on('request', (request) => {
      const url = request.url();
      if (url !== documentUrl && !url.startsWith('data:')) requests.push(url);
    });
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    // Anything but the document itself is recorded above and never leaves the machine.
    await page.route('**/*', (route) => (route.request().url() === documentUrl ? route.continue() : route.abort()));
    await page.goto(documentUrl, { waitUntil: 'load' });

    const rows = page.locator('tbody.finding');
    expect(await rows.count()).toBe(41);
    for (const f of report.findings) {
      const row = page.locator(`tbody.finding[data-finding-id="${f.id}"]`);
      await row.locator('tr.main').waitFor({ state: 'visible' });
      expect(await row.getAttribute('data-severity')).toBe(f.severity);
      // The row sits in the section of its own severity.
      expect(await row.evaluate((el) => el.closest('section.severity')?.getAttribute('data-severity'))).toBe(f.severity);
    }
    const sections = await page.locator('section.severity').evaluateAll((els) => els.map((el) => el.getAttribute('data-severity')));
    expect(sections).toEqual(['critical', 'high', 'medium', 'low']);
    for (const severity of sections) {
      const heading = await page.locator(`section.severity[data-severity="${severity}"] h2`).textContent();
      expect(heading).toContain(String(report.summary.bySeverity[severity as keyof typeof report.summary.bySeverity]));
    }

    // Hostile text is text: the principal reads literally and nothing ran.
    const hostile = page.locator('tbody.finding[data-finding-id="off-call:hostile"]');
    expect(await hostile.locator('.principal').textContent()).toBe('<script>alert(1)</script>');
    expect(await page.locator('script, img, h1').count()).toBe(1); // only the page's own <h1>
    expect(dialogs).toEqual([]);

    // An incomplete scan shows a red banner naming the failed sources.
    const banner = page.locator('#completeness');
    expect(await banner.textContent()).toContain('INCOMPLETE');
    expect(await banner.textContent()).toContain('403 Resource not accessible');
    const [r, g, b] = (await banner.evaluate((el) => el.ownerDocument.defaultView?.getComputedStyle(el).backgroundColor ?? "")).match(/\d+/g)?.map(Number) ?? [];
    expect(r).toBeGreaterThan(g as number);
    expect(r).toBeGreaterThan(b as number);

    expect(await page.locator('#coverage tbody tr').count()).toBe(report.coverage.length);
    expect(await page.locator('#rules tbody tr').count()).toBe(sampleRules.length);
    expect(requests).toEqual([]);
    expect(consoleErrors).toEqual([]);
    await page.close();
  });

  it('shows a green banner and no finding sections for a clean, complete scan', async () => {
    const file = join(dir, 'clean.html');
    await renderToFile(htmlRenderer, sampleReport(0), file, { rules: sampleRules });
    const page = await browser().newPage();
    const requests: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith('file:') && !request.url().startsWith('data:')) requests.push(request.url());
    });
    await page.goto(pathToFileURL(file).href);
    expect(await page.locator('tbody.finding').count()).toBe(0);
    expect(await page.locator('#findings .empty').textContent()).toBe('No findings.');
    const [r, g] = (await page.locator('#completeness').evaluate((el) => el.ownerDocument.defaultView?.getComputedStyle(el).backgroundColor ?? "")).match(/\d+/g)?.map(Number) ?? [];
    expect(g).toBeGreaterThan(r as number);
    expect(requests).toEqual([]);
    await page.close();
  });
});
