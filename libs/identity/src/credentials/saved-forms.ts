import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig, deriveKey } from '@pz/platform';
import { CREDENTIAL_STORE, CredentialStore } from './credential-store';
import { newSecret } from './secrets';

export type FormFields = Record<string, string | string[]>;

/** Long enough to ask for a sign-in link, read the email and come back. */
const KEEP_MS = 60 * 60_000;

/**
 * What a person had typed when their session ran out mid-form (web.md: "a session that expires
 * mid-form keeps what was typed for after sign-in"): kept encrypted for an hour, given back once,
 * and only to the person who typed it (or, if nobody was signed in, to whoever holds the cookie).
 */
@Injectable()
export class SavedForms {
  private readonly key: Buffer;

  constructor(
    @Inject(CREDENTIAL_STORE) private readonly store: CredentialStore,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.key = deriveKey(config, 'saved-forms');
  }

  async save(personId: string | null, path: string, fields: FormFields, now = new Date()): Promise<string> {
    const id = newSecret();
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(id));
    const ct = Buffer.concat([cipher.update(JSON.stringify(fields), 'utf8'), cipher.final()]);
    const sealedFields = Buffer.concat([iv, ct, cipher.getAuthTag()]).toString('base64');
    await this.store.saveForm({ id, personId, path, sealedFields, expiresAt: new Date(now.getTime() + KEEP_MS).toISOString() });
    return id;
  }

  /** The fields saved under `id` for `path`, once; undefined if they are not there, not for this page, or not this person's. */
  async take(id: string, path: string, personId: string | null, now = new Date()): Promise<FormFields | undefined> {
    const form = await this.store.takeForm(id, now.toISOString());
    if (!form || form.path !== path || (form.personId !== null && form.personId !== personId)) return undefined;
    const raw = Buffer.from(form.sealedFields, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(id));
    decipher.setAuthTag(raw.subarray(raw.length - 16));
    const json = Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString('utf8');
    return JSON.parse(json) as FormFields;
  }
}
