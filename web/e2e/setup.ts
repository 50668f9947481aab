// What tests/e2e/console.sh prepared: the console's URL, the people and the data to expect.
import { readFileSync } from 'node:fs';
import { expect, type Page } from '@playwright/test';

export interface Login { login: string; password: string; unit?: string; name?: string }
export interface ConsoleSetup {
  url: string;
  office: Login;
  unit: Login & { unit: string; name: string };
  centre: Login;
  lock: Login;
  otherCase: string;
  unitCases: number;
  period: string;
  ranks: string;
  hallDay: string;
  hallUnit: string;
}

export const setup: ConsoleSetup = JSON.parse(readFileSync(process.env.YS_CONSOLE_E2E!, 'utf8'));

// "C00 3" lines: the ranks the gateway's JSON gave, as ysctl's order.
export function expectedRanks(): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of readFileSync(setup.ranks, 'utf8').trim().split('\n')) {
    const [code, rank] = line.split(' ');
    out.set(code, Number(rank));
  }
  return out;
}

export async function logIn(page: Page, who: Login): Promise<void> {
  await page.goto('/login');
  // Element Plus puts the attribute on the native <input> or on its wrapper: either way.
  await page.locator('[data-testid="login-user"] input, input[data-testid="login-user"]').first().fill(who.login);
  await page.locator('[data-testid="login-password"] input, input[data-testid="login-password"]').first().fill(who.password);
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('user-name')).toBeVisible();
}

export async function shot(page: Page, name: string): Promise<void> {
  const dir = process.env.YS_SCREENSHOTS;
  if (!dir) return;
  // Charts draw after their data: give ECharts a moment past network idle.
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(500);
  await page.screenshot({ path: `${dir}/${name}.png`, fullPage: true });
}
