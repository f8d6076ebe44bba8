import { type FastifyReply, type FastifyRequest, LogController } from 'fastify';

/**
 * One log line per request (method, url, status, time) instead of two, at debug: at the default
 * level the log shows what happened (collections, trainings, rejected and failed requests), not
 * every poll of the dashboard. Fastify's request serializer logs no headers, and the logger redacts
 * `authorization` should anything log them.
 */
export class RequestLogs extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    request.log.debug({ req: request }, 'incoming request');
  }

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    const entry = { req: request, res: reply, responseTime: Math.round(reply.elapsedTime * 100) / 100 };
    if (error) reply.log.error({ ...entry, err: error }, 'request errored');
    else reply.log.debug(entry, 'request completed');
  }
}
