// The console's browser tests (issue #15): Playwright driving Debian's chromium (no browser download),
// against a running gateway. tests/e2e/console.sh starts the stack, makes the people and writes
// YS_CONSOLE_E2E (a JSON file: the URL and the logins); screenshots go to YS_SCREENSHOTS.
import { defineConfig } from '@playwright/test';
import { readFileSync } from 'node:fs';

const setup = JSON.parse(readFileSync(process.env.YS_CONSOLE_E2E ?? 'missing-YS_CONSOLE_E2E', 'utf8'));

export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  workers: 1,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  use: {
    baseURL: setup.url,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    viewport: { width: 1440, height: 900 },
    launchOptions: {
      executablePath: process.env.YS_CHROMIUM ?? '/usr/bin/chromium',
      // This machine's network is closed: no background traffic, no GPU, no sandbox as root.
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
});
