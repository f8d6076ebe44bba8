/**
 * The CSV twin of a list: the same path and filters with format=csv. Empty filters are left out, so
 * the file holds what the list shows.
 */
export function csvHref(path, params = {}) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') query.set(name, String(value));
  }
  query.set('format', 'csv');
  return `${path}?${query}`;
}

/** Form fields with a value, as query parameters. */
export function formParams(form) {
  const params = {};
  for (const [name, value] of new FormData(form)) {
    const text = String(value).trim();
    if (text !== '') params[name] = text;
  }
  return params;
}

export function queryString(params) {
  return new URLSearchParams(params).toString();
}
