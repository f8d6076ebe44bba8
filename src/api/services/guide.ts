import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Marked, type Tokens } from 'marked';

/** docs/ML.md in the source tree; the same relative place from the compiled dist/api/services. */
export const defaultGuidePath = fileURLToPath(new URL('../../../docs/ML.md', import.meta.url));

const htmlEscapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => htmlEscapes[character] ?? character);
}

/**
 * The id a heading gets, so that the dashboard's help links can point at a section:
 * "B3. Clusters of similar films (k-means and PCA)" → "b3-clusters-of-similar-films-k-means-and-pca".
 */
export function headingSlug(text: string): string {
  return text
    .toLowerCase()
    .replace(/<[^>]*>/g, '')
    .replace(/[^a-z0-9\s-]/g, '')
    .trim()
    .replace(/[\s-]+/g, '-');
}

/** Links to this site, to an anchor or over http(s) only: a `javascript:` link in a document stays text. */
function safeHref(href: string): string | null {
  return /^(https?:\/\/|\/|#|\.{0,2}\/?[\w-])/i.test(href) && !/^\s*(javascript|data|vbscript):/i.test(href)
    ? href
    : null;
}

interface Section {
  id: string;
  text: string;
}

/**
 * Markdown to HTML with every raw HTML block or tag of the document shown as text, images as their
 * alternative text (the page admits no outside images) and ids on second-level headings.
 */
function createRenderer(sections: Section[]): Marked {
  return new Marked({
    gfm: true,
    renderer: {
      html({ text }: Tokens.HTML | Tokens.Tag) {
        return escapeHtml(text);
      },
      heading({ tokens, depth, text }: Tokens.Heading) {
        const id = headingSlug(text);
        if (depth === 2) sections.push({ id, text });
        return `<h${depth} id="${escapeHtml(id)}">${this.parser.parseInline(tokens)}</h${depth}>\n`;
      },
      link({ href, title, tokens }: Tokens.Link) {
        const inner = this.parser.parseInline(tokens);
        const target = safeHref(href);
        if (!target) return inner;
        const titleAttribute = title ? ` title="${escapeHtml(title)}"` : '';
        return `<a href="${escapeHtml(target)}"${titleAttribute}>${inner}</a>`;
      },
      image({ text }: Tokens.Image) {
        return escapeHtml(text);
      },
    },
  });
}

/** The guide as a page of its own: the dashboard's look, a list of sections, a way back. */
export function renderGuide(markdown: string): string {
  const sections: Section[] = [];
  const body = createRenderer(sections).parse(markdown, { async: false });
  const contents = sections
    .map((section) => `<li><a href="#${escapeHtml(section.id)}">${escapeHtml(section.text)}</a></li>`)
    .join('');
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="color-scheme" content="dark" />
    <title>Guide · Horrorcast</title>
    <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
    <link rel="stylesheet" href="/styles.css" />
  </head>
  <body class="guide-page">
    <header class="masthead">
      <div class="brand">
        <p class="brand-name"><a href="/">Horrorcast</a></p>
        <p class="tagline">How to read the models and the charts.</p>
      </div>
      <nav aria-label="Guide"><a class="button-link" href="/">Back to the dashboard</a></nav>
    </header>
    <main class="guide">
      <nav class="guide-contents" aria-label="Sections"><h2>Sections</h2><ol>${contents}</ol></nav>
      <article class="guide-text">${body}</article>
    </main>
  </body>
</html>
`;
}

export interface GuidePage {
  /** The rendered page, or null when the document is not part of this installation. */
  html(): Promise<string | null>;
}

/** Reads and renders the document once, on the first request: it does not change while the server runs. */
export function createGuidePage(path: string = defaultGuidePath): GuidePage {
  let page: Promise<string | null> | undefined;
  return {
    html() {
      page ??= readFile(path, 'utf8').then(renderGuide, (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return null;
        page = undefined;
        throw error;
      });
      return page;
    },
  };
}
