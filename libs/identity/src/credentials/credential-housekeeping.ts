import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CREDENTIAL_STORE, CredentialStore } from './credential-store';

const EVERY_MS = 60 * 60_000;
/** Kept a day past expiry, so a late click on a link still says "expired" rather than "not valid". */
const KEEP_EXPIRED_MS = 24 * 60 * 60_000;

/**
 * Drops expired sign-in links, sessions and saved forms once an hour, in whichever processes run
 * the identity feature (purging is idempotent, so several at once do no harm).
 */
@Injectable()
export class CredentialHousekeeping implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Credentials');
  private timer: NodeJS.Timeout | undefined;

  constructor(@Inject(CREDENTIAL_STORE) private readonly store: CredentialStore) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.purge(), EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async purge(now = new Date()): Promise<void> {
    try {
      await this.store.purge(new Date(now.getTime() - KEEP_EXPIRED_MS).toISOString());
    } catch (error) {
      this.logger.warn(`purging expired credentials failed; tried again within the hour: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
