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
