// The web console in a real browser (issue #15): each role's pages, the refusals, the public hall
// screen; a screenshot of every page.
import { expect, test } from '@playwright/test';
import { expectedRanks, logIn, setup, shot } from './setup';

test('the office sees the same 19 ranks as ysctl rankings scorecard', async ({ page }) => {
  await logIn(page, setup.office);
  const started = Date.now();
  await page.goto(`/?period=${setup.period}`);
  const rows = page.getByTestId('scorecard-row');
  await expect(rows).toHaveCount(19);
  await expect(rows.first().getByTestId('rank')).not.toBeEmpty();
  console.log(`scorecard rows visible ${Date.now() - started} ms after navigation`);
  const want = expectedRanks();
  const got = new Map<string, number>();
  for (const row of await rows.all()) {
    const code = (await row.getAttribute('data-code')) ?? '';
    const rank = Number(((await row.getByTestId('rank').innerText()).match(/\d+/) ?? ['NaN'])[0]);
    got.set(code, rank);
  }
  expect(got).toEqual(want);
  await shot(page, '01-office-dashboard');

  for (const [path, name] of [['/indicators/C00', '02-indicator'], ['/counties/361102', '03-county'],
    ['/inbox', '04-inbox'], ['/huiqitong', '05-huiqitong']] as const) {
    await page.goto(`${path}?period=${setup.period}`);
    await expect(page.getByTestId('forbidden')).toHaveCount(0);
    await shot(page, name);
  }
});

test('a unit sees only its cases, reports with a PDF, and is refused another unit\'s case', async ({ page }) => {
  await logIn(page, setup.unit);
  await page.goto('/unit');
  const cases = page.getByTestId('case-row');
  await expect(cases).toHaveCount(setup.unitCases);
  await shot(page, '06-unit');

  // The unit reports on its own case; a county case it follows (listed too, in due order) has no
  // report form: the county reports (a follower's ReportProgress is refused).
  const followed = cases.and(page.locator('[data-following="true"]'));
  if (await followed.count() > 0) {
    await followed.first().click();
    await expect(page).toHaveURL(/\/cases\//);
    await expect(page.getByTestId('case-state')).toBeVisible();
    await expect(page.getByTestId('case-report')).toHaveCount(0);
    await expect(page.getByText('本单位为跟踪单位').first()).toBeVisible();
    await page.goBack();
  }
  await cases.and(page.locator('[data-following="false"]')).first().click();
  await expect(page).toHaveURL(/\/cases\//);
  const text = `整改进展：已完成自查（e2e ${Date.now()}）`;
  await page.locator('textarea').first().fill(text);
  const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
  await page.locator('input[type=file]').first().setInputFiles({ name: '整改报告.pdf', mimeType: 'application/pdf', buffer: pdf });
  await expect(page.getByText('整改报告.pdf').first()).toBeVisible();
  await page.getByTestId('report-submit').click();
  await expect(page.getByText(text).first()).toBeVisible();
  await expect(page.getByTestId('attachment-link').first()).toBeVisible();
  // The person, not the gateway's key, in the case's history.
  await expect(page.getByText(`${setup.unit.name} (unit:${setup.unit.unit}) via console`).first()).toBeVisible();
  await shot(page, '07-case-reported');

  const href = await page.getByTestId('attachment-link').first().getAttribute('href');
  const file = await page.request.get(href!);
  expect(file.status()).toBe(200);
  expect((await file.body()).subarray(0, 5).toString()).toBe('%PDF-');

  await page.goto(`/cases/${setup.otherCase}`);
  await expect(page.getByTestId('forbidden')).toBeVisible();
  await shot(page, '08-forbidden');
});

test('the service centre sees the duty pages', async ({ page }) => {
  await logIn(page, setup.centre);
  await page.goto('/duty');
  await expect(page.getByTestId('forbidden')).toHaveCount(0);
  await shot(page, '09-duty');
});

test('the hall screen shows the week\'s roster without a login', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`/hall?week=${setup.hallDay}`);
  await expect(page.getByTestId('roster-row').filter({ hasText: setup.hallUnit }).first()).toBeVisible();
  await expect(page).not.toHaveURL(/login/);
  await shot(page, '10-hall-screen');
  await context.close();
});

test('forged requests are refused and five wrong passwords lock the account', async ({ page, request }) => {
  // A cross-origin form post (what a hostile page can send without CORS): refused by content type.
  const form = await request.post('/yingshang.gateway.v1.ConsoleService/Logout', {
    headers: { Origin: 'http://evil.example', 'Content-Type': 'application/x-www-form-urlencoded' },
    data: 'x=1',
  });
  expect(form.status()).toBe(415);
  const noVersion = await request.post('/yingshang.ranking.v1.RankingQuery/GetScorecard', {
    headers: { 'Content-Type': 'application/json' }, data: '{}',
  });
  expect(noVersion.status()).toBe(400);

  await page.goto('/login');
  for (let i = 1; i <= 5; i++) {
    await page.locator('[data-testid="login-user"] input, input[data-testid="login-user"]').first().fill(setup.lock.login);
    await page.locator('[data-testid="login-password"] input, input[data-testid="login-password"]').first().fill(`wrong-${i}`);
    await page.getByTestId('login-submit').click();
    await expect(page.getByTestId('login-error')).toBeVisible();
  }
  await page.locator('[data-testid="login-password"] input, input[data-testid="login-password"]').first().fill(setup.lock.password);
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('login-error')).toContainText('锁定');
  await shot(page, '11-locked');
});
