import compress from '@fastify/compress';
import type { FastifyInstance } from 'fastify';

/** gzip/brotli for JSON and assets above 1 KB (the PCA answer shrinks about tenfold). */
export async function registerCompression(app: FastifyInstance): Promise<void> {
  await app.register(compress, { global: true, threshold: 1024, encodings: ['br', 'gzip', 'deflate'] });
}
