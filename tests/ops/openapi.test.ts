import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../api/app.js';
import { seedDatabase } from '../api/seed.js';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js';

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

interface OpenApiDocument {
  openapi: string;
  info: { version: string };
  paths: Record<string, Record<string, { operationId?: string; responses?: unknown }>>;
  components: { schemas?: Record<string, unknown> };
}

let database: TestDatabase;
let test: TestApp;
let document: OpenApiDocument;

beforeAll(async () => {
  database = await createTestDatabase('sqlite');
  await seedDatabase(database.stores);
  test = await buildTestApp(database.handle);
  const response = await test.app.inject({ method: 'GET', url: '/docs/json' });
  expect(response.statusCode).toBe(200);
  document = JSON.parse(response.body) as OpenApiDocument;
});
afterAll(async () => {
  await test?.app.close();
  await database?.drop();
});

function operations() {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    METHODS.filter((method) => item[method]).map((method) => ({ path, method, operation: item[method]! })),
  );
}

describe('the OpenAPI document', () => {
  it('is JSON with an OpenAPI version and every API route in it', () => {
    expect(document.openapi).toMatch(/^3\.1\./);
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/api/status', '/api/movies/{id}', '/api/jobs/ingest', '/health', '/metrics']),
    );
  });

  it('gives every operation a unique operationId', () => {
    const all = operations();
    expect(all.length).toBeGreaterThan(15);
    const missing = all.filter(({ operation }) => !operation.operationId).map((o) => `${o.method} ${o.path}`);
    expect(missing).toEqual([]);
    const ids = all.map(({ operation }) => operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('leaves the queue board and the docs pages out', () => {
    expect(
      Object.keys(document.paths).filter((path) => path.startsWith('/admin') || path.startsWith('/docs')),
    ).toEqual([]);
  });

  it('names shared schemas as components and refers to them', () => {
    const names = Object.keys(document.components.schemas ?? {});
    expect(names).toEqual(expect.arrayContaining(['Error', 'Status', 'Film', 'JobStatus', 'ModelScores']));
    const statusAnswer = JSON.stringify(document.paths['/api/status']!.get!.responses);
    expect(statusAnswer).toContain('#/components/schemas/Status');
  });

  it('marks timestamps as date-time with an example', () => {
    const jobStatus = document.components.schemas!.JobStatus as {
      properties: Record<string, { format?: string; examples?: unknown[] }>;
    };
    expect(jobStatus.properties.created_at).toMatchObject({
      format: 'date-time',
      examples: ['2026-10-31T03:00:00.000Z'],
    });
  });
});

describe('GET /api/status', () => {
  it('includes the version', async () => {
    const response = await test.app.inject({ method: 'GET', url: '/api/status' });
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body).version).toBe(document.info.version);
  });
});
