import { existsSync } from 'node:fs';
import { type Browser, chromium, errors } from 'playwright-core';

// Debian's Chromium, driven by playwright-core (which never downloads a browser here). This
// machine has no internet: pages opened in it may need nothing from elsewhere.
const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

// A fresh profile each launch (playwright makes a temporary user data directory). A launch that
// does not answer within LAUNCH_MS is tried once more: on a fresh CI machine Chromium's first
// start (font caches, a new profile) has twice hung past 30 s, in a run where the next suite's
// launch took a second.
const LAUNCH_MS = 45_000;

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `No Chromium at ${CHROMIUM_PATH}: the browser tests need one. Install it (Debian: apt-get install chromium) or set CHROMIUM_PATH to a Chromium or Chrome executable.`,
    );
  }
  const launch = () =>
    chromium.launch({
      executablePath: CHROMIUM_PATH,
      args: CHROMIUM_ARGS,
      headless: true,
      timeout: LAUNCH_MS,
    });
  try {
    return await launch();
  } catch (error) {
    if (!(error instanceof errors.TimeoutError)) {
      throw error;
    }
    return launch();
  }
}
