// Secrets and the audit log in a real browser: sign up → create an agent app → add a secret through
// the form and another by bulk paste (the preview flags a bad line first) → reveal one → delete one
// with confirmation → the Organization audit log, filtered to secrets, lists those changes by key
// name, and no secret value appears anywhere on the page, not even in the expanded details.
import { expect, test } from '@playwright/test';
import { signUpAndLogIn } from './support.ts';


test('manage app secrets in the Secrets tab and find the changes in the audit log', async ({ page, request }) => {
  const stamp = Date.now();
  const tokenValue = `tok-form-${stamp}-s3cr3t`;
  const dbValue = `postgres://agent:pw-${stamp}@db.internal/agents`;
  await signUpAndLogIn(page, request, `secrets-${stamp}@example.com`, 'a-long-enough-password', 'Secret Labs');

  // An agent app.
  await page.getByRole('link', { name: 'Agent apps' }).click();
  await page.getByRole('button', { name: 'Create agent app' }).first().click();
  const createDialog = page.getByRole('dialog');
  await createDialog.getByLabel('Name').fill('secret-agent');
  await createDialog.getByRole('button', { name: 'Create agent app' }).click();
  await expect(page).toHaveURL(/\/apps\/[0-9a-f-]{36}$/);

  // The Secrets tab starts empty and explains the precedence.
  await page.getByRole('tab', { name: 'Secrets' }).click();
  await expect(page).toHaveURL(/tab=secrets/);
  await expect(page.getByText('No secrets yet')).toBeVisible();
  await expect(page.getByRole('list', { name: 'Precedence, highest first' })).toContainText('Deploy-time environment');

  // 1. Through the form: a lowercase key is capitalised, the value is typed masked.
  await page.getByRole('button', { name: 'Add secret' }).first().click();
  let dialog = page.getByRole('dialog');
  await dialog.getByLabel('Key', { exact: true }).fill('api_token');
  await expect(dialog.getByLabel('Key', { exact: true })).toHaveValue('API_TOKEN');
  await expect(dialog.getByLabel('Value', { exact: true })).toHaveAttribute('type', 'password');
  await dialog.getByLabel('Value', { exact: true }).fill(tokenValue);
  await dialog.getByRole('button', { name: 'Add secret' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.locator('[data-testid="secret-row"][data-key="API_TOKEN"]')).toBeVisible();

  // 2. By bulk paste: a bad line is flagged and blocks saving; comments, blanks and quotes are handled.
  await page.getByRole('button', { name: 'Bulk paste' }).click();
  dialog = page.getByRole('dialog');
  const paste = dialog.getByLabel('KEY=VALUE lines');
  await paste.fill(`# database\nexport DATABASE_URL="${dbValue}"\n\nthis line is not an assignment\n`);
  await expect(dialog.locator('[data-testid="paste-row"][data-status="ignored"]')).toContainText('Line 4');
  await expect(dialog.getByText('Fix or remove the flagged lines before saving.')).toBeVisible();
  await expect(dialog.getByRole('button', { name: /^Save/ })).toBeDisabled();
  await paste.fill(`# database\nexport DATABASE_URL="${dbValue}"\n\n`);
  await expect(dialog.locator('[data-testid="paste-row"][data-status="new"]')).toContainText('DATABASE_URL');
  await expect(dialog.getByTestId('paste-summary')).toHaveText('1 new');
  await expect(dialog.getByRole('table')).not.toContainText(dbValue); // masked in the preview
  await dialog.getByRole('button', { name: 'Save 1 secret' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('secret-row')).toHaveCount(2);
  await expect(page.getByTestId('secret-count')).toContainText('2 of 200 secrets');

  // Values stay masked until revealed, one row at a time.
  const main = page.locator('main');
  await expect(main).not.toContainText(tokenValue);
  await expect(main).not.toContainText(dbValue);
  await page.getByRole('button', { name: 'Reveal value of DATABASE_URL' }).click();
  await expect(page.locator('[data-testid="secret-row"][data-key="DATABASE_URL"]').getByTestId('secret-value')).toHaveText(dbValue);
  await expect(main).not.toContainText(tokenValue);
  await page.getByRole('button', { name: 'Hide value of DATABASE_URL' }).click();
  await expect(main).not.toContainText(dbValue);

  // 3. Delete one, with confirmation.
  await page.getByRole('button', { name: 'Delete API_TOKEN' }).click();
  const confirm = page.getByRole('alertdialog');
  await expect(confirm).toContainText('Delete API_TOKEN?');
  await confirm.getByRole('button', { name: 'Delete secret' }).click();
  await expect(confirm).toBeHidden();
  await expect(page.getByTestId('secret-row')).toHaveCount(1);
  await expect(page.locator('[data-testid="secret-row"][data-key="API_TOKEN"]')).toHaveCount(0);

  // The audit log, filtered to secrets.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Audit log' })).toBeVisible();
  await expect(page.locator('[data-testid="audit-entry"][data-action="agent_app.create"]')).toBeVisible();
  await page.getByLabel('Category').click();
  await page.getByRole('option', { name: 'Secrets' }).click();
  await expect(page).toHaveURL(/category=secret/);
  const entries = page.getByTestId('audit-entry');
  await expect(entries).toHaveCount(3);
  await expect(entries.nth(0)).toHaveAttribute('data-action', 'secret.delete');
  await expect(entries.nth(1)).toHaveAttribute('data-action', 'secrets.set');
  await expect(entries.nth(2)).toHaveAttribute('data-action', 'secret.create');
  await expect(entries.nth(0)).toContainText('Deleted secret');
  await expect(entries.nth(0)).toContainText('secret-agent'); // the app, linked
  await expect(entries.nth(2)).toContainText('API_TOKEN');

  // Expand every entry's details: key names only, never a value.
  const toggles = page.getByRole('button', { name: /details of/ });
  await expect(toggles).toHaveCount(3);
  for (let i = 0; i < 3; i++) await toggles.nth(i).click();
  await expect(page.getByTestId('audit-metadata')).toHaveCount(3);
  await expect(page.getByTestId('audit-metadata').nth(1)).toContainText('DATABASE_URL');
  const text = (await page.locator('body').innerText()) + (await page.content());
  expect(text).not.toContain(tokenValue);
  expect(text).not.toContain(dbValue);
  expect(text).not.toContain(`pw-${stamp}`);

  // The app link goes back to the app.
  await entries.nth(0).getByRole('link', { name: 'secret-agent' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'secret-agent' })).toBeVisible();
});
