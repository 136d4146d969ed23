import { Body, Controller, NotFoundException, Query, Req, Res, UseGuards } from '@nestjs/common';
import { Throttle, ThrottlerGuard } from '@nestjs/throttler';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CommandContext, Ctx } from '@pz/platform';
import { OidcAttempt, OidcSignIn, safeNext, SignInLinks } from '@pz/identity';
import { FormFields, textOf } from '../shell/form';
import { PageGet, PagePost } from '../shell/page-route';
import { PageRenderer } from '../shell/page-renderer';
import { Visitors } from '../shell/visitors';
import { emailProblem } from './email-field';

/** Per client: a person retyping a mistyped address is fine; someone mailing a list of strangers is not. */
const SEND_LIMIT = { default: { limit: 10, ttl: 60_000 } };
const LINK_LIMIT = { default: { limit: 60, ttl: 60_000 } };
/** Remembers, for "send it again", the address a link was just sent to (signed, this browser only, 15 minutes). */
const SENT_TO_COOKIE = 'pz_sign_in';
const OIDC_COOKIE = 'pz_oidc';

const LINK_PROBLEMS = {
  unknown: { title: 'This sign-in link is not valid', status: 404 },
  used: { title: 'This sign-in link has already been used', status: 410 },
  expired: { title: 'This sign-in link has expired', status: 410 },
} as const;

/**
 * Signing in with a link sent by email (web.md): no password to forget. The same answer whatever
 * the address; the link opens a page naming the address, and only its Continue button (a POST)
 * signs in, because mail scanners open every link in a message.
 */
@Controller('sign-in')
@UseGuards(ThrottlerGuard)
export class SignInPages {
  constructor(
    private readonly links: SignInLinks,
    private readonly oidc: OidcSignIn,
    private readonly visitors: Visitors,
    private readonly pages: PageRenderer,
  ) {}

  @PageGet('')
  async form(@Query('next') next: string | undefined, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    if (request.visitor) return this.pages.redirect(reply, safeNext(next) ?? '/my');
    await this.showForm(request, reply, '', safeNext(next), []);
  }

  @PagePost('')
  @Throttle(SEND_LIMIT)
  async send(@Body() body: FormFields, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const email = textOf(body, 'email');
    const next = safeNext(textOf(body, 'next'));
    const problem = emailProblem(email);
    if (problem) return this.showForm(request, reply, email, next, [{ field: 'email', text: problem }], 400);
    await this.links.send(email, next);
    reply.setCookie(SENT_TO_COOKIE, JSON.stringify({ email, next }), { path: '/sign-in', httpOnly: true, sameSite: 'lax', secure: this.visitors.secureCookies, signed: true, maxAge: 15 * 60 });
    await this.pages.redirect(reply, '/sign-in/check-your-email');
  }

  @PageGet('check-your-email')
  async checkEmail(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const sent = this.sentTo(request);
    await this.pages.render(request, reply, 'account/sign-in-check-email', { title: 'Check your email', email: sent?.email ?? null, noIndex: true });
  }

  @PagePost('send-again')
  @Throttle(SEND_LIMIT)
  async sendAgain(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const sent = this.sentTo(request);
    if (!sent) return this.pages.redirect(reply, '/sign-in');
    await this.links.send(sent.email, sent.next);
    await this.pages.render(request, reply, 'account/sign-in-check-email', { title: 'Check your email', email: sent.email, again: true, noIndex: true });
  }

  @PageGet('link')
  @Throttle(LINK_LIMIT)
  async linkPage(@Query('token') token: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const link = await this.links.check(token);
    if (!link.ok) return this.linkProblem(request, reply, link.reason);
    await this.pages.render(request, reply, 'account/sign-in-link', { title: 'Sign in to People Zones Grants', email: link.email, token, noIndex: true });
  }

  @PagePost('link')
  @Throttle(LINK_LIMIT)
  async useLink(@Body() body: FormFields, @Ctx() ctx: CommandContext, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const used = await this.links.use(textOf(body, 'token'), ctx);
    if (!used.ok) return this.linkProblem(request, reply, used.reason);
    await this.visitors.signIn(request, reply, used.personId, 'email');
    reply.clearCookie(SENT_TO_COOKIE, { path: '/sign-in' });
    await this.pages.redirect(reply, used.next ?? '/my');
  }

  /** Staff and auditors: off to the funder's OpenID provider, remembering state, nonce and PKCE verifier in a signed cookie. */
  @PageGet('oidc')
  async oidcStart(@Query('next') next: string | undefined, @Res() reply: FastifyReply) {
    if (!this.oidc.enabled) throw new NotFoundException();
    const { url, attempt } = await this.oidc.start(safeNext(next));
    reply.setCookie(OIDC_COOKIE, JSON.stringify(attempt), { path: '/sign-in/oidc', httpOnly: true, sameSite: 'lax', secure: this.visitors.secureCookies, signed: true, maxAge: 10 * 60 });
    await reply.code(303).header('location', url).header('cache-control', 'no-store').send();
  }

  @PageGet('oidc/callback')
  @Throttle(LINK_LIMIT)
  async oidcCallback(@Ctx() ctx: CommandContext, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    if (!this.oidc.enabled) throw new NotFoundException();
    const attempt = this.signedJson<OidcAttempt>(request, OIDC_COOKIE);
    reply.clearCookie(OIDC_COOKIE, { path: '/sign-in/oidc' });
    const outcome = attempt ? await this.oidc.finish(new URL(request.url, this.oidc.redirectUri), attempt) : { ok: false as const, reason: 'failed' as const };
    if (!outcome.ok) return this.pages.render(request, reply, 'account/sign-in-oidc-problem', { title: 'You could not be signed in', reason: outcome.reason, noIndex: true }, 403);
    const personId = await this.links.signedIn(outcome.email, ctx);
    await this.visitors.signIn(request, reply, personId, 'oidc');
    await this.pages.redirect(reply, outcome.next ?? '/my');
  }

  private async linkProblem(request: FastifyRequest, reply: FastifyReply, reason: keyof typeof LINK_PROBLEMS) {
    const { title, status } = LINK_PROBLEMS[reason];
    await this.pages.render(request, reply, 'account/sign-in-link-problem', { title, reason, noIndex: true }, status);
  }

  private async showForm(request: FastifyRequest, reply: FastifyReply, email: string, next: string | null, errors: { field: string; text: string }[], status = 200) {
    await this.pages.render(request, reply, 'account/sign-in', { title: 'Sign in', email, next, errors, oidc: this.oidc.enabled }, status);
  }

  private sentTo(request: FastifyRequest): { email: string; next: string | null } | null {
    const value = this.signedJson<{ email?: unknown; next?: unknown }>(request, SENT_TO_COOKIE);
    return typeof value?.email === 'string' && !emailProblem(value.email) ? { email: value.email, next: safeNext(value.next) } : null;
  }

  private signedJson<T>(request: FastifyRequest, name: string): T | null {
    const raw = request.cookies?.[name];
    if (!raw) return null;
    const unsigned = request.unsignCookie(raw);
    if (!unsigned.valid || unsigned.value === null) return null;
    try {
      return JSON.parse(unsigned.value) as T;
    } catch {
      return null;
    }
  }
}

/** Signing out: a POST (a prefetched link must not sign anyone out), then a page that says so. */
@Controller()
export class SignOutPages {
  constructor(
    private readonly visitors: Visitors,
    private readonly pages: PageRenderer,
  ) {}

  @PagePost('sign-out')
  async signOut(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    await this.visitors.signOut(request, reply);
    await this.pages.redirect(reply, '/signed-out');
  }

  @PageGet('signed-out')
  async signedOut(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    await this.pages.render(request, reply, 'account/signed-out', { title: 'You have signed out' });
  }
}
