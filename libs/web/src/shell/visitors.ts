import { createParamDecorator, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { APP_CONFIG, AppConfig, AuthenticatedRequest, AuthUser, UserRole } from '@pz/platform';
import { FormFields as SavedFields, safeNext, SavedForms, SessionRecord, Sessions } from '@pz/identity';
import { accessOf } from './page-route';

/** The session cookie: a random id; the store keeps only its hash. */
export const SESSION_COOKIE = 'pz_session';
/** Names the form kept for this browser while its person signs in again. */
const SAVED_FORM_COOKIE = 'pz_saved';
/** The most typed text kept for after sign-in (a long application section is a few thousand characters). */
const MAX_SAVED_FORM = 32_000;

/** A signed-in person on a page: their session and who they are now. */
export interface Visitor {
  sessionId: string;
  session: SessionRecord;
  user: AuthUser;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set on every page route before its handler: null when nobody is signed in. */
    visitor?: Visitor | null;
  }
}

/** What admitting a request to a page decided: go on, go and sign in first, or not for you. */
export type Admission = { admitted: true } | { admitted: false; signIn: string } | { admitted: false; forbidden: true };

/**
 * Who is on a page, and whether they may be: runs before every page's handler. A page open to
 * anyone still learns who is signed in (for the navigation); a page for signed-in people sends
 * anyone else to sign in, keeping a form they had filled in; a page for some roles refuses others.
 */
@Injectable()
export class Visitors {
  /** `Secure` cookies outside development and tests (which run on plain http on loopback). */
  readonly secureCookies: boolean;

  constructor(
    private readonly sessions: Sessions,
    private readonly savedForms: SavedForms,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.secureCookies = config.nodeEnv !== 'development' && config.nodeEnv !== 'test';
  }

  async admit(request: FastifyRequest, reply: FastifyReply): Promise<Admission> {
    const sessionId = request.cookies?.[SESSION_COOKIE];
    const live = await this.sessions.resolve(sessionId);
    const visitor = live && sessionId ? { sessionId, ...live } : null;
    request.visitor = visitor;
    const access = accessOf(request.routeOptions?.config);
    const authenticated = request as unknown as AuthenticatedRequest;
    if (visitor) {
      authenticated.user = visitor.user;
      // A person who belongs nowhere yet acts as a would-be applicant (registering their group).
      authenticated.actingRole = (Array.isArray(access) ? access.find((r: UserRole) => visitor.user.roles.includes(r)) : undefined) ?? visitor.user.roles[0] ?? 'applicant';
    }
    if (access === 'anyone') return { admitted: true };
    if (!visitor) return { admitted: false, signIn: await this.signInFirst(request, reply, sessionId !== undefined) };
    if (access === 'signed-in' || access.some((r) => visitor.user.roles.includes(r))) return { admitted: true };
    return { admitted: false, forbidden: true };
  }

  /** Starts a session for a person who has just proved who they are, ending the one this browser had. */
  async signIn(request: FastifyRequest, reply: FastifyReply, personId: string, via: SessionRecord['via']): Promise<void> {
    const previous = request.cookies?.[SESSION_COOKIE];
    if (previous) await this.sessions.end(previous);
    const id = await this.sessions.start(personId, via, request.headers['user-agent']);
    // No Max-Age: the browser forgets it when closed (a shared library computer), and the server
    // ends it after SESSION_IDLE without a request whatever the browser keeps.
    reply.setCookie(SESSION_COOKIE, id, { path: '/', httpOnly: true, sameSite: 'lax', secure: this.secureCookies });
  }

  /** The organisation this session acts for from now on (the caller checked the person belongs to it). */
  actFor(visitor: Visitor, orgId: string): Promise<void> {
    return this.sessions.actFor(visitor.sessionId, orgId);
  }

  async signOut(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const id = request.cookies?.[SESSION_COOKIE];
    if (id) await this.sessions.end(id);
    reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure: this.secureCookies });
  }

  /**
   * The form this person had filled in when they were sent to sign in, once, for this page only,
   * and only in the browser that typed it (its `pz_saved` cookie): a `?restore=` link sent to
   * someone else fills nothing in for them.
   */
  async restoredForm(request: FastifyRequest): Promise<SavedFields | undefined> {
    const id = (request.query as Record<string, unknown> | undefined)?.restore;
    if (typeof id !== 'string' || id.length > 100 || request.cookies?.[SAVED_FORM_COOKIE] !== id) return undefined;
    return this.savedForms.take(id, pathOf(request.url), request.visitor?.user.sub ?? null);
  }

  /**
   * Where to go after signing in: back here. A form posted by someone whose session had just run
   * out is kept (encrypted, an hour, once, bound to this browser by a cookie) for the page it was
   * typed on (the Referer, when it is this service's own page; else the form's own address).
   */
  private async signInFirst(request: FastifyRequest, reply: FastifyReply, hadSession: boolean): Promise<string> {
    let next = request.url;
    if (request.method === 'POST') {
      next = formPageOf(request) ?? pathOf(request.url);
      const fields: SavedFields = {};
      for (const [name, value] of Object.entries((request.body ?? {}) as Record<string, unknown>)) {
        if (name === '_csrf') continue;
        if (typeof value === 'string' || (Array.isArray(value) && value.every((v) => typeof v === 'string'))) fields[name] = value as string | string[];
      }
      // Only for someone who was signed in (nobody else reached the form), and never a large one: no free storage for strangers.
      if (hadSession && JSON.stringify(fields).length <= MAX_SAVED_FORM) {
        const id = await this.savedForms.save(null, pathOf(next), fields);
        reply.setCookie(SAVED_FORM_COOKIE, id, { path: '/', httpOnly: true, sameSite: 'lax', secure: this.secureCookies, maxAge: 60 * 60 });
        next = `${next}${next.includes('?') ? '&' : '?'}restore=${id}`;
      }
    }
    return `/sign-in?next=${encodeURIComponent(next)}`;
  }
}

/** The page a form was posted from, when the browser says and it is one of this service's own. */
function formPageOf(request: FastifyRequest): string | null {
  const referer = request.headers.referer;
  if (typeof referer !== 'string' || referer.length > 1000) return null;
  try {
    const from = new URL(referer);
    if (from.host !== request.headers.host) return null;
    from.searchParams.delete('restore');
    return safeNext(`${from.pathname}${from.search}`);
  } catch {
    return null;
  }
}

function pathOf(url: string): string {
  return url.split('?')[0];
}

/** The signed-in person on this page, or null. */
export const CurrentVisitor = createParamDecorator((_: unknown, context: ExecutionContext): Visitor | null => {
  return context.switchToHttp().getRequest<FastifyRequest>().visitor ?? null;
});

/** For pages that are only for signed-in people: the visitor, who is there (the admission checked). */
export const SignedInVisitor = createParamDecorator((_: unknown, context: ExecutionContext): Visitor => {
  const visitor = context.switchToHttp().getRequest<FastifyRequest>().visitor;
  if (!visitor) throw new Error('A signed-in page ran without a visitor: its route has no access rule');
  return visitor;
});
