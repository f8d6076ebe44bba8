/** The queue board's own pages: plain HTML, no script, nothing taken from the request. */

const STYLE = `
  body { font: 16px/1.5 system-ui, sans-serif; background: #111418; color: #e6e6e6; margin: 0; }
  main { max-width: 28rem; margin: 12vh auto; padding: 2rem; background: #1b2027; border-radius: 8px; }
  h1 { font-size: 1.4rem; margin-top: 0; }
  label { display: block; margin-bottom: .4rem; }
  input { width: 100%; box-sizing: border-box; padding: .6rem; font: inherit; border-radius: 4px;
    border: 1px solid #3a4350; background: #0e1115; color: inherit; }
  button { margin-top: 1rem; padding: .6rem 1.2rem; font: inherit; border: 0; border-radius: 4px;
    background: #b3261e; color: #fff; cursor: pointer; }
  .notice { padding: .6rem .8rem; border-radius: 4px; background: #3b1d1b; }
  code { background: #0e1115; padding: 0 .3rem; border-radius: 3px; }
  a { color: #f28b82; }
`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${title} · Horrorcast</title>
<style>${STYLE}</style>
</head>
<body><main>
${body}
</main></body>
</html>
`;
}

export interface SignInState {
  /** ADMIN_TOKEN is not set on the server: nobody can sign in. */
  disabled?: boolean;
  wrongToken?: boolean;
  /** Too many wrong tokens from this address: seconds until the next try. */
  waitSeconds?: number;
}

function signInNotice(state: SignInState): string {
  if (state.wrongToken) return '<p class="notice" role="alert">That is not the admin token.</p>';
  if (state.waitSeconds !== undefined) {
    return `<p class="notice" role="alert">Too many wrong tokens from this address; try again in ${state.waitSeconds} seconds.</p>`;
  }
  return '';
}

/** The sign-in form: the admin token in, an HttpOnly cookie out. */
export function signInPage(state: SignInState): string {
  if (state.disabled) {
    return page(
      'Queue board disabled',
      `<h1>Queue board disabled</h1>
<p>ADMIN_TOKEN is not set on the server, so nobody can sign in. Make one with
<code>openssl rand -hex 32</code>, set it as ADMIN_TOKEN and restart.</p>`,
    );
  }
  return page(
    'Sign in to the queue board',
    `<h1>Queue board</h1>
<p>Sign in with the admin token (ADMIN_TOKEN) to see and manage the collection and training jobs.</p>
${signInNotice(state)}
<form method="post" action="/admin/queues/login">
<label for="token">Admin token</label>
<input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
<button type="submit">Sign in</button>
</form>`,
  );
}

/** The embedded shape runs jobs inside the web process: there is no queue to show. */
export function noQueuePage(): string {
  return page(
    'No job queue',
    `<h1>No job queue here</h1>
<p>This server runs in the embedded shape: collections and trainings run inside the web process,
one of each kind at a time, without Redis, so there is no queue to show.</p>
<p>The queue board appears in the scaled shape (REDIS_URL set, <code>horrorcast serve</code> with
<code>horrorcast worker</code> and <code>horrorcast scheduler</code>). Here, follow the jobs on the
<a href="/">dashboard</a> or with <code>GET /api/jobs/:id</code>.</p>`,
  );
}
