import { defineConfig } from '@playwright/test';

// Debian's Chromium, never a downloaded one (`playwright install` cannot reach its host here). Each spec starts its
// own `serve` engine with its own state dirs and cgroup partition (see e2e/fixtures.ts).
export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results/e2e',
  timeout: 180_000,
  expect: { timeout: 20_000 },
  fullyParallel: false,
  workers: 1,
  reporter: [['list'], ['json', { outputFile: 'test-results/e2e.json' }]],
  use: {
    browserName: 'chromium',
    headless: true,
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      // The closed network refuses Chromium's background connections; without these flags it retries them all.
      args: ['--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
});
