import { STATUS_CODES } from 'node:http';

/**
 * An error whose message is meant for the client: the error handler sends it as is, with the
 * `hint` (what to run so that the request can succeed) when there is one.
 */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export function errorBody(statusCode: number, message: string) {
  return {
    statusCode,
    error: STATUS_CODES[statusCode] ?? (statusCode >= 500 ? 'Server Error' : 'Client Error'),
    message,
  };
}
