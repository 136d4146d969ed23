import type { ServerResponse } from 'node:http';
import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
  Optional,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ConcurrencyError, DuplicateEventError, StoreUnavailableError } from '@pz/event-store';
import { WrittenByNewerVersion } from '../domain/decider';
import { DomainError } from '../domain/errors';
import { WEB_SHELL, WebShell } from './page-routes';

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
  private webShell: WebShell | null | undefined;

  constructor(@Optional() private readonly modules?: ModuleRef) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Partial<FastifyRequest> | undefined>();
    // Through the request's own logger where there is one, so the line carries its correlation id.
    const logError = (message: string | undefined) =>
      request?.log ? request.log.error({ context: 'HTTP' }, message) : this.logger.error(message);
    const response = http.getResponse<FastifyReply | ServerResponse>();
    const [status, body] = this.answer(exception, logError);
    const shell = this.shell();
    if (shell && request && 'raw' in response && !response.raw.headersSent && shell.wantsErrorPage(request as FastifyRequest)) {
      const message = (body as { message?: unknown }).message;
      const messages = Array.isArray(message) ? message.map(String) : [String(message ?? '')];
      shell.sendErrorPage(request as FastifyRequest, response, status, messages).catch((error: unknown) => {
        logError(error instanceof Error ? error.stack : String(error));
        send(response, status, body);
      });
      return;
    }
    send(response, status, body);
  }

  /** Browsers get pages, API callers JSON: the web's shell, when this app serves pages. */
  private shell(): WebShell | null {
    if (this.webShell === undefined) {
      try {
        this.webShell = this.modules!.get<WebShell>(WEB_SHELL, { strict: false });
      } catch {
        this.webShell = null;
      }
    }
    return this.webShell;
  }

  private answer(exception: unknown, logError: (message: string | undefined) => void): [number, object] {
    if (exception instanceof HttpException) {
      const body = exception.getResponse();
      return [exception.getStatus(), typeof body === 'string' ? errorBody(exception.getStatus(), body) : body];
    }
    if (exception instanceof DomainError) {
      const status = STATUS[exception.kind];
      const message = exception.kind === 'invalid' ? (exception as unknown as { problems: string[] }).problems : exception.message;
      return [status, errorBody(status, message)];
    }
    if (exception instanceof ConcurrencyError || exception instanceof DuplicateEventError) {
      return [409, errorBody(409, 'A concurrent change was made; reload and try again')];
    }
    if (exception instanceof Error && exception.name === 'PersonErasedError') {
      // The person asked to be forgotten: their details cannot be recorded again under that key.
      return [409, errorBody(409, 'This email address belongs to a person whose data has been erased; use another address')];
    }
    if (exception instanceof WrittenByNewerVersion) {
      // Mid-deploy: this process is the older build. Retrying lands on a newer one, or waits for it.
      return [503, errorBody(503, 'A newer version of the service wrote this record; retry shortly (nothing was recorded)')];
    }
    if (exception instanceof StoreUnavailableError) {
      logError(`Event store unavailable: ${exception.message}`);
      return [503, errorBody(503, 'The event store cannot accept writes right now; nothing was recorded. Try again later.')];
    }
    const clientError = exception as { status?: unknown; statusCode?: unknown; expose?: unknown; message?: unknown; name?: unknown };
    const status = clientError.status ?? clientError.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500 && (clientError.expose === true || clientError.name === 'FastifyError')) {
      // A client error raised by the server or a plugin before Nest's handler (Nest maps most of them itself).
      return [status, errorBody(status, String(clientError.message))];
    }
    logError(exception instanceof Error ? exception.stack : String(exception));
    return [500, errorBody(500, 'Internal server error')];
  }
}

/**
 * Sends the error as JSON, whatever content type the route had set for its own answer. The
 * response is Fastify's reply, or the raw response when the error came from a middleware.
 */
function send(response: FastifyReply | ServerResponse, status: number, body: object): void {
  const raw = 'raw' in response ? response.raw : response;
  if (raw.headersSent) {
    // Part of the answer (a stream) is already out: cutting it short is the only honest signal.
    raw.destroy();
    return;
  }
  if ('raw' in response) {
    void response.code(status).type('application/json; charset=utf-8').send(body);
    return;
  }
  raw.statusCode = status;
  raw.setHeader('Content-Type', 'application/json; charset=utf-8');
  raw.end(JSON.stringify(body));
}

/** Nest's error shape: `{ statusCode, error, message }`. */
export function errorBody(statusCode: number, message: string | string[]) {
  const error = (HttpStatus[statusCode] ?? 'Error')
    .toString()
    .toLowerCase()
    .replace(/(^|_)([a-z])/g, (_: string, sep: string, c: string) => (sep ? ' ' : '') + c.toUpperCase());
  return { statusCode, error, message };
}
