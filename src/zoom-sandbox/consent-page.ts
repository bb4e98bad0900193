/** HTML of the sandbox's authorization screens (Zoom shows a consent page before redirecting back). */

export function escapeHtml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem}
button{padding:.5rem 1.25rem;margin-right:.5rem}input{width:100%;padding:.4rem}.error{color:#b00020}</style></head>
<body>
${body}
</body>
</html>`;
}

export function consentPage(input: {
  requestId: string;
  appName: string;
  clientId: string;
  email: string;
  scopes: string[];
  error?: string;
}): string {
  const scopes = input.scopes.map((s) => `<li><code>${escapeHtml(s)}</code></li>`).join('');
  return layout(
    `Authorize ${input.appName}`,
    `<h1>Zoom Sandbox</h1>
<p><strong>${escapeHtml(input.appName)}</strong> (client <code>${escapeHtml(input.clientId)}</code>) would like to access your Zoom account.</p>
<ul>${scopes}</ul>
${input.error ? `<p class="error" role="alert">${escapeHtml(input.error)}</p>` : ''}
<form method="post" action="/oauth/authorize/decision">
  <input type="hidden" name="request_id" value="${escapeHtml(input.requestId)}">
  <label for="email">Sign in as (Zoom user email)</label>
  <input id="email" type="email" name="email" value="${escapeHtml(input.email)}" required>
  <p>
    <button id="approve" type="submit" name="decision" value="approve">Approve</button>
    <button id="deny" type="submit" name="decision" value="deny" formnovalidate>Deny</button>
  </p>
</form>`,
  );
}

export function errorPage(error: string, reason: string): string {
  return layout(
    'Zoom Sandbox: authorization error',
    `<h1>Authorization error</h1>
<p><code id="error">${escapeHtml(error)}</code></p>
<p id="reason">${escapeHtml(reason)}</p>`,
  );
}

export function meetingPage(title: string, lines: string[]): string {
  return layout(title, `<h1>${escapeHtml(title)}</h1>${lines.map((l) => `<p>${escapeHtml(l)}</p>`).join('')}`);
}
