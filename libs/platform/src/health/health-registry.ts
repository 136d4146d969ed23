import { Injectable } from '@nestjs/common';

/** Feature modules add what /health should report about them (e.g. the worker). */
@Injectable()
export class HealthRegistry {
  private readonly contributors = new Map<string, () => Promise<{ ok: boolean } & Record<string, unknown>>>();

  register(name: string, check: () => Promise<{ ok: boolean } & Record<string, unknown>>): void {
    this.contributors.set(name, check);
  }

  async report(): Promise<Record<string, { ok: boolean } & Record<string, unknown>>> {
    const entries = await Promise.all(
      [...this.contributors].map(async ([name, check]) => [name, await check().catch((e: Error) => ({ ok: false, error: e.message }))] as const),
    );
    return Object.fromEntries(entries);
  }
}
