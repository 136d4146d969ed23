import { Module } from '@nestjs/common';
import { PeopleModule } from '@pz/people';
import { MailTemplates } from './mail-templates';
import { Mailer } from './mailer';
import { SentMail } from './sent-mail';

/**
 * The email layer: templates, the Mailer (SMTP pool or outbox) and SentMail (send once per
 * dedupe key). Expects PlatformModule (APP_CONFIG, EVENT_STORE, READ_MODEL_DB) to be global,
 * as in every app; imports PeopleModule itself so a worker can import this module alone.
 * The Mailer closes its SMTP pool on application shutdown.
 */
@Module({
  imports: [PeopleModule],
  providers: [
    // A factory, so Nest does not try to inject the constructor's optional folder argument.
    { provide: MailTemplates, useFactory: () => new MailTemplates() },
    Mailer,
    SentMail,
  ],
  exports: [MailTemplates, Mailer, SentMail],
})
export class NotificationsMailModule {}
