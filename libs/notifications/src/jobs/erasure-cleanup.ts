import { readdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { simpleParser } from 'mailparser';
import { PersonalDataVault } from '@pz/people';
import { APP_CONFIG, AppConfig } from '@pz/platform';
import { withTimeout, WorkQueue } from './work-queue';

/** Far more erasures of one address than any install will see. */
const GENERATIONS = 20;
const PAGE = 1000;

/**
 * After an erasure, what the service keeps outside the log goes too: the mails it wrote to
 * OUTBOX_DIR for the person (they hold the address in plain text), and the queued and finished
 * jobs that name them. The log itself keeps only sealed values, which the destroyed key has
 * already made unreadable. It runs at the erasure and once more a few minutes later, for
 * whatever a job that was already running then left behind.
 */
@Injectable()
export class ErasureCleanup {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly vault: PersonalDataVault,
    private readonly work: WorkQueue,
  ) {}

  /** Jobs first, so that none of theirs writes a mail after the outbox has been cleared. */
  async run(person: string, ownJobId: string): Promise<{ mails: number; jobs: number }> {
    const jobs = await this.jobs(person, ownJobId);
    return { jobs, mails: await this.outboxMails(person) };
  }

  /** Deletes the outbox's mails addressed to the person (by any pseudonym of the address's line up to theirs). */
  private async outboxMails(person: string): Promise<number> {
    let names: string[];
    try {
      names = (await readdir(this.config.outboxDir)).filter((n) => n.endsWith('.eml'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw error;
    }
    let deleted = 0;
    for (const name of names) {
      const path = join(this.config.outboxDir, name);
      const parsed = await simpleParser(await readFile(path));
      const to = [parsed.to].flat().flatMap((a) => a?.value ?? []).map((a) => a.address ?? '');
      if (to.some((address) => this.isTheirs(address, person))) {
        await unlink(path);
        deleted += 1;
      }
    }
    return deleted;
  }

  private isTheirs(address: string, person: string): boolean {
    if (!address) return false;
    for (let g = 1; g <= GENERATIONS; g++) if (this.vault.pseudonymOf(address, g) === person) return true;
    return false;
  }

  /** Removes jobs whose id or data names the person (their subscription's mails and confirmations). */
  private async jobs(person: string, ownJobId: string): Promise<number> {
    const queue = this.work.queue;
    // Found first, removed after: removing while paging would shift the pages under us.
    const theirs: string[] = [];
    for (let start = 0; ; start += PAGE) {
      const page = await withTimeout(queue.getJobs(['completed', 'failed', 'delayed', 'waiting', 'prioritized'], start, start + PAGE - 1), 10_000, 'listing jobs');
      for (const job of page) {
        if (!job?.id || job.id === ownJobId) continue;
        if (job.id.includes(person) || Object.values(job.data ?? {}).includes(person)) theirs.push(job.id);
      }
      if (page.length < PAGE) break;
    }
    let removed = 0;
    for (const id of theirs) {
      // A job running right now cannot be removed; it finds the key gone and sends nothing, and
      // the second clean-up (planned a little later) takes away what it left.
      const gone = await withTimeout(queue.remove(id), 5_000, 'removing a job').catch(() => 0);
      removed += gone ? 1 : 0;
    }
    return removed;
  }
}
