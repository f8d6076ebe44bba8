/**
 * A new element with a class and text content, then children (elements or strings). Everything
 * goes in as text or as elements built here: nothing a film's data holds is parsed as HTML.
 */
export function element(tag, { className, text, attributes } = {}, ...children) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value !== undefined && value !== null && value !== false) node.setAttribute(name, String(value));
  }
  node.append(...children.filter((child) => child !== null && child !== undefined && child !== ''));
  return node;
}

/** Shows a list's empty-state line with a message, or hides it (message null). */
export function showEmpty(line, message) {
  line.hidden = !message;
  line.textContent = message ?? '';
}

/** The server's message of a failed request ("year_from: …"), for the card it failed in. */
export function errorText(error) {
  const message = error instanceof Error ? error.message : String(error);
  return `Could not load: ${message.replace(/^\/api\/\S*: /, '')}`;
}
