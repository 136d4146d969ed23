import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import '@fastify/compress';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { WebAssets } from './assets';
import { navigationFor } from './navigation';

/** One problem with what was typed in a form, for the error summary and the field's message. */
export interface FieldError {
  field: string;
  text: string;
}

/**
 * Renders a page: the template with what every page needs (assets, navigation, a CSP nonce for
 * its one inline script, the CSRF token for its forms), as HTML under a Content-Security-Policy
 * that allows nothing else inline.
 */
@Injectable()
export class PageRenderer {
  constructor(private readonly assets: WebAssets) {}

  async render(request: FastifyRequest, reply: FastifyReply, template: string, data: Record<string, unknown> = {}, status = 200): Promise<void> {
    const nonce = randomBytes(16).toString('base64');
    const errors = (data.errors as FieldError[] | undefined) ?? [];
    const context = {
      ...data,
      cspNonce: nonce,
      csrfToken: reply.generateCsrf(),
      assets: { css: this.assets.url('app.css'), js: this.assets.url('govuk-frontend.js'), favicon: this.assets.url('favicon.svg') },
      navigation: navigationFor(request.url, request.visitor?.user ?? null),
      signedIn: Boolean(request.visitor),
      // For the error summary (links to each field) and each field's own message.
      errors: errors.map((e) => ({ text: e.text, href: `#${e.field}` })),
      fieldErrors: Object.fromEntries(errors.map((e) => [e.field, { text: e.text }])),
    };
    const html = await reply.viewAsync(`${template}.njk`, context);
    reply
      .code(status)
      .header('content-security-policy', contentSecurityPolicy(nonce))
      // Pages carry CSRF tokens and, once signed in, personal details: never kept by a shared cache.
      .header('cache-control', 'no-store')
      .type('text/html; charset=utf-8');
    // Routes get `compress` from @fastify/compress; the not-found page has no route, and is small.
    if (typeof reply.compress === 'function') reply.compress(html);
    else await reply.send(html);
  }

  async redirect(reply: FastifyReply, location: string): Promise<void> {
    // 303: after a form's POST the browser GETs the next page (no "resubmit the form?" on Back).
    await reply.code(303).header('location', location).header('cache-control', 'no-store').send();
  }
}

export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
  ].join('; ');
}
