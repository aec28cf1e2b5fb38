import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../common/access';
import { apiPath } from '../common/api-paths';
import { PORTAL_PAGES } from '../notifications/portal-links';

// The pages emailed account links open when no portal is configured (PORTAL_BASE_URL unset), so
// that a link from a fresh start works: a password form that posts the link's token to the API.
// Outside the API prefix, at the portal's own paths.
export const ACCOUNT_PAGE_PATHS = [
  PORTAL_PAGES.setPassword.split('?')[0],
  PORTAL_PAGES.resetPassword.split('?')[0],
];

@ApiExcludeController()
@Controller('account')
export class AccountPagesController {
  private readonly setPasswordPage = passwordPage(
    'Choose your password',
    apiPath('/auth/invitations/accept'),
  );
  private readonly resetPasswordPage = passwordPage(
    'Choose a new password',
    apiPath('/auth/password-reset/complete'),
  );

  @Get('set-password')
  @Public()
  @Header('content-type', 'text/html; charset=utf-8')
  setPassword(): string {
    return this.setPasswordPage;
  }

  @Get('reset-password')
  @Public()
  @Header('content-type', 'text/html; charset=utf-8')
  resetPassword(): string {
    return this.resetPasswordPage;
  }
}

// Static text: the token is read by the page's script from its own address, never echoed by
// the server, so nothing in the request reaches the HTML.
function passwordPage(title: string, endpoint: string): string {
  return `<!doctype html>
<html lang="en-GB">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} - Safer Streets grants</title></head>
<body style="font-family: Arial, sans-serif; max-width: 30em; margin: 2em auto; padding: 0 1em;">
<h1>${title}</h1>
<form id="password-form">
<p><label for="password">New password (at least 12 characters)</label><br>
<input id="password" name="password" type="password" autocomplete="new-password" minlength="12" required style="width: 100%;"></p>
<p><button type="submit">Save the password</button></p>
</form>
<p id="outcome" role="status"></p>
<script>
document.getElementById('password-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const outcome = document.getElementById('outcome');
  const token = new URLSearchParams(location.search).get('token');
  const password = document.getElementById('password').value;
  const answer = await fetch(${JSON.stringify(endpoint)}, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token, password }),
  });
  const problem = answer.ok ? null : await answer.json().catch(() => null);
  outcome.textContent = answer.ok
    ? 'Your password is saved. You can now sign in with it.'
    : (problem && problem.detail) || 'The password could not be saved. Try again.';
});
</script>
</body>
</html>
`;
}
