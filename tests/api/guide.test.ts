import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultGuidePath, headingSlug, renderGuide } from '../../src/api/services/guide.js';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { buildTestApp, type TestApp } from './app.js';

describe('the guide page', () => {
  it('shows raw HTML of the document as text and keeps script links inert', () => {
    const html = renderGuide(
      [
        '## Tricks',
        '<script>alert(1)</script>',
        '',
        'Inline <img src=x onerror=alert(1)> and [a link](javascript:alert(1)) and ![a poster](https://example.com/p.jpg).',
      ].join('\n'),
    );
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('javascript:');
    expect(html).toContain('a link');
    expect(html).toContain('a poster');
  });

  it('gives second-level headings ids and lists them as the sections', () => {
    const html = renderGuide('# Title\n\n## B3. Clusters of similar films (k-means and PCA)\n\ntext\n');
    expect(headingSlug('B3. Clusters of similar films (k-means and PCA)')).toBe(
      'b3-clusters-of-similar-films-k-means-and-pca',
    );
    expect(html).toContain('<h2 id="b3-clusters-of-similar-films-k-means-and-pca">');
    expect(html).toContain('<a href="#b3-clusters-of-similar-films-k-means-and-pca">');
    expect(html).toContain('<a class="button-link" href="/">');
  });

  it('renders tables and code of docs/ML.md', () => {
    const html = renderGuide(readFileSync(defaultGuidePath, 'utf8'));
    expect(html).toContain('<table>');
    expect(html).toContain('<code>');
    expect(html).toContain('<h2 id="the-metrics">');
  });
});

describe('GET /guide', () => {
  let database: TestDatabase;
  let testApp: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    testApp = await buildTestApp(database.handle);
  });

  afterAll(async () => {
    await testApp?.app.close();
    await database?.drop();
  });

  it('serves docs/ML.md as HTML under the content-security policy', async () => {
    const response = await testApp.app.inject({ method: 'GET', url: '/guide' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers['content-security-policy']).toContain("script-src 'self'");
    expect(response.body).toContain('<h1 id="what-the-models-do-and-how-to-read-them">');
  });

  it('admits TMDB posters and no other outside images', async () => {
    const response = await testApp.app.inject({ method: 'GET', url: '/' });
    const policy = String(response.headers['content-security-policy']);
    expect(policy).toContain("img-src 'self' data: https://image.tmdb.org;");
    expect(policy).toContain("default-src 'self'");
  });
});
