// The web pages as a person meets them: the accept page opened from a link in real Chromium on a
// throttled connection (Chromium's network emulation: 400 kbit/s each way, 400 ms round trip, no
// cache), timed from navigation to a usable page (the preview's heading shown, Join enabled), with
// the bytes that crossed the wire; and the console's bundle, gzipped and brotli-compressed, read
// from web/dist. Without Chromium the page figures are n/a.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { percentile } from './lib.js';

export const WEB_BUDGETS = { acceptPageKb: 60 };

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const THROTTLE = { latencyMs: 400, kbitPerSecond: 400 };

export interface WebFigures {
  throttle: typeof THROTTLE;
  acceptPage: {
    runs: number;
    /** Navigation start to a usable page, median. */
    usableMs: number;
    /** Every response's bytes on the wire (headers included), median. */
    transferredBytes: number;
    /** The JavaScript and CSS it loads, gzipped (the budget's measure). */
    scriptAndStyleGzipBytes: number;
  } | null;
  console: { files: number; rawBytes: number; gzipBytes: number; brotliBytes: number };
}

/** The JavaScript and CSS a built page loads: its script, module preloads and style sheets. */
function assetsOf(dist: string, page: string): string[] {
  const html = readFileSync(path.join(dist, page), 'utf8');
  return [...html.matchAll(/(?:src|href)="\/assets\/([\w.-]+\.(?:js|css))"/g)].map((m) =>
    path.join(dist, 'assets', m[1] as string),
  );
}

function sizesOf(files: string[]) {
  const bodies = files.map((file) => readFileSync(file));
  const sum = (f: (b: Buffer) => number) => bodies.reduce((total, body) => total + f(body), 0);
  return {
    files: files.length,
    rawBytes: sum((b) => b.length),
    gzipBytes: sum((b) => gzipSync(b, { level: 9 }).length),
    brotliBytes: sum((b) => brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 9 } }).length),
  };
}

export async function benchWeb(options: {
  root: string;
  /** An accept link (/invite/<token>) on the running server. */
  acceptUrl: string;
  runs: number;
  log: (message: string) => void;
}): Promise<WebFigures> {
  const dist = path.join(options.root, 'web', 'dist');
  const consoleSizes = sizesOf(assetsOf(dist, 'index.html'));
  const acceptGzip = sizesOf(assetsOf(dist, 'link.html')).gzipBytes;
  if (!existsSync(CHROMIUM)) {
    options.log(`no Chromium at ${CHROMIUM}: the accept page's figures are n/a`);
    return { throttle: THROTTLE, acceptPage: null, console: consoleSizes };
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const usable: number[] = [];
  const transferred: number[] = [];
  try {
    for (let run = 0; run < options.runs; run++) {
      const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
      const page = await context.newPage();
      page.setDefaultTimeout(60_000);
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
      const bytesPerSecond = (THROTTLE.kbitPerSecond * 1000) / 8;
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: THROTTLE.latencyMs,
        downloadThroughput: bytesPerSecond,
        uploadThroughput: bytesPerSecond,
      });
      let bytes = 0;
      cdp.on('Network.loadingFinished', (event) => {
        bytes += event.encodedDataLength;
      });
      const started = performance.now();
      await page.goto(options.acceptUrl, { waitUntil: 'commit' });
      await page.getByRole('heading', { name: /^Join / }).waitFor();
      await page.getByRole('button', { name: 'Join' }).waitFor();
      usable.push(performance.now() - started);
      // The page's own requests (the preview query) are done once it is usable; let the counts settle.
      await page.waitForLoadState('networkidle');
      transferred.push(bytes);
      await context.close();
    }
  } finally {
    await browser.close();
  }
  const median = (values: number[]) =>
    percentile(
      [...values].sort((a, b) => a - b),
      50,
    );
  return {
    throttle: THROTTLE,
    acceptPage: {
      runs: options.runs,
      usableMs: median(usable),
      transferredBytes: median(transferred),
      scriptAndStyleGzipBytes: acceptGzip,
    },
    console: consoleSizes,
  };
}
