/**
 * An Admin API error outside the entity layer (bad body, unknown path, wrong method), answered
 * as Kong does: the status and `{"message": "..."}`.
 */
export class AdminHttpError extends Error {
  readonly statusCode: number;

  constructor(status: number, message: string) {
    super(message);
    this.name = 'AdminHttpError';
    this.statusCode = status;
  }
}
