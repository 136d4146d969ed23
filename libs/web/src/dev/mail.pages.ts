import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Controller, Inject, NotFoundException, Param, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { simpleParser } from 'mailparser';
import { APP_CONFIG, AppConfig } from '@pz/platform';
import { PageGet } from '../shell/page-route';
import { PageRenderer } from '../shell/page-renderer';

const SHOWN = 50;
const MAIL_FILE = /^[\w.-]+\.eml$/;
const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
const LOCAL_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * A newcomer signs in within a minute without a mail server (web.md): while developing with no
 * SMTP_URL, mail goes to OUTBOX_DIR, and this page shows it. Only in development or tests, only to
 * loopback clients (the socket's own address, never a forwarded header): everywhere else a 404.
 */
@Controller('dev/mail')
export class DevMailPages {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly pages: PageRenderer,
  ) {}

  @PageGet('')
  async list(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    this.onlyHere(request);
    const names = (await readdir(this.config.outboxDir).catch(() => [] as string[])).filter((n) => MAIL_FILE.test(n)).sort().reverse().slice(0, SHOWN);
    const messages = await Promise.all(
      names.map(async (name) => {
        const mail = await simpleParser(await readFile(join(this.config.outboxDir, name)));
        return { name, to: addressesOf(mail.to), subject: mail.subject ?? '(no subject)', date: mail.date?.toISOString() ?? null };
      }),
    );
    await this.pages.render(request, reply, 'dev/mail', { title: 'Mail sent by this service', messages, outboxDir: this.config.outboxDir, noIndex: true });
  }

  @PageGet(':name')
  async message(@Param('name') name: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    this.onlyHere(request);
    if (!MAIL_FILE.test(name)) throw new NotFoundException();
    const raw = await readFile(join(this.config.outboxDir, name)).catch(() => null);
    if (!raw) throw new NotFoundException();
    const mail = await simpleParser(raw);
    const text = mail.text ?? '';
    // The links, to follow with a click: the HTML part is not shown (its styles and images are not ours to allow).
    const links = [...new Set(text.match(/https?:\/\/[^\s<>"]+/g) ?? [])];
    await this.pages.render(request, reply, 'dev/mail-message', { title: mail.subject ?? '(no subject)', to: addressesOf(mail.to), date: mail.date?.toISOString() ?? null, text, links, noIndex: true });
  }

  private onlyHere(request: FastifyRequest): void {
    const developing = this.config.nodeEnv === 'development' || this.config.nodeEnv === 'test';
    // The Host too: a page elsewhere that points its own name at 127.0.0.1 (DNS rebinding) gets nothing.
    const host = (request.headers.host ?? '').replace(/:\d+$/, '');
    if (!developing || this.config.smtpUrl || !LOOPBACK.has(request.raw.socket.remoteAddress ?? '') || !LOCAL_NAMES.has(host)) throw new NotFoundException();
  }
}

function addressesOf(to: { text: string } | { text: string }[] | undefined): string {
  if (!to) return '';
  return (Array.isArray(to) ? to : [to]).map((a) => a.text).join(', ');
}
