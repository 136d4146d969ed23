import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import type { Response } from 'express';
import { ConcurrencyError, DuplicateEventError, StoreUnavailableError } from '@pz/event-store';
import { DomainError } from '../domain/errors';

const STATUS: Record<DomainError['kind'], number> = {
  invalid: HttpStatus.BAD_REQUEST,
  not_found: HttpStatus.NOT_FOUND,
  forbidden: HttpStatus.FORBIDDEN,
  conflict: HttpStatus.CONFLICT,
};

/** Maps domain and store errors to Nest's `{ statusCode, error, message }` shape. */
@Catch()
export class DomainExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (exception instanceof HttpException) {
      const body = exception.getResponse();
      response
        .status(exception.getStatus())
        .json(typeof body === 'string' ? shape(exception.getStatus(), body) : body);
      return;
    }
    if (exception instanceof DomainError) {
      const status = STATUS[exception.kind];
      const message = exception.kind === 'invalid' ? (exception as unknown as { problems: string[] }).problems : exception.message;
      response.status(status).json(shape(status, message));
      return;
    }
    if (exception instanceof ConcurrencyError || exception instanceof DuplicateEventError) {
      response.status(409).json(shape(409, 'A concurrent change was made; reload and try again'));
      return;
    }
    if (exception instanceof Error && exception.name === 'PersonErasedError') {
      // The person asked to be forgotten: their details cannot be recorded again under that key.
      response.status(409).json(shape(409, 'This email address belongs to a person whose data has been erased; use another address'));
      return;
    }
    if (exception instanceof StoreUnavailableError) {
      this.logger.error(`Event store unavailable: ${exception.message}`);
      response.status(503).json(shape(503, 'The event store cannot accept writes right now; nothing was recorded. Try again later.'));
      return;
    }
    const clientError = exception as { status?: unknown; expose?: unknown; message?: unknown };
    if (typeof clientError.status === 'number' && clientError.status >= 400 && clientError.status < 500 && clientError.expose === true) {
      // Errors raised by the body parser before Nest sees the request (413 too large, 415, 400 bad JSON).
      response.status(clientError.status).json(shape(clientError.status, String(clientError.message)));
      return;
    }
    this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    response.status(500).json(shape(500, 'Internal server error'));
  }
}

function shape(statusCode: number, message: string | string[]) {
  const error = (HttpStatus[statusCode] ?? 'Error')
    .toString()
    .toLowerCase()
    .replace(/(^|_)([a-z])/g, (_: string, sep: string, c: string) => (sep ? ' ' : '') + c.toUpperCase());
  return { statusCode, error, message };
}
