/** GET a JSON endpoint of this server; a failed request throws with the server's own message. */
export async function fetchJson(path, { signal } = {}) {
  const response = await fetch(path, { headers: { accept: 'application/json' }, signal });
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    const message = body && typeof body.message === 'string' ? body.message : response.statusText;
    throw new Error(`${path}: ${response.status} ${message}`);
  }
  return body;
}

/** POST a JSON body; a refused request throws with the server's message and, when it gives one, its hint. */
export async function postJson(path, payload) {
  const response = await fetch(path, {
    method: 'POST',
    headers: { accept: 'application/json', 'content-type': 'application/json' },
    body: JSON.stringify(payload),
  });
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    const message = body && typeof body.message === 'string' ? body.message : response.statusText;
    throw new Error(body && typeof body.hint === 'string' ? `${message} ${body.hint}` : message);
  }
  return body;
}
