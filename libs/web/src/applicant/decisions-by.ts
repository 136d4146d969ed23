import { Inject, Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { APP_CONFIG, AppConfig } from '@pz/platform';
import { plusDuration } from '@pz/platform/domain';

/**
 * When applicants are told to expect a decision: DECISIONS_WITHIN after a round's close, in UK
 * time. Remembered per closing time: luxon's zone arithmetic was a twentieth of an application
 * page's time, for an answer that changes only when a round is rescheduled.
 */
@Injectable()
export class DecisionsBy {
  private readonly known = new LRUCache<string, string>({ max: 512 });

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  after(closesAt: string): string {
    let at = this.known.get(closesAt);
    if (at === undefined) {
      at = plusDuration(closesAt, this.config.decisionsWithin);
      this.known.set(closesAt, at);
    }
    return at;
  }
}
