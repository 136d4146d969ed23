import { CanActivate, ExecutionContext, HttpException, HttpStatus, Inject, Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { LRUCache } from 'lru-cache';
import type { AuthenticatedRequest } from '../auth/auth-user';
import { APP_CONFIG, AppConfig } from '../config/environment';
import { WRITE_METHODS } from './body-contract';

interface Bucket {
  tokens: number;
  at: number;
}

/** Callers tracked at once; beyond it the least recently seen start afresh. */
const TRACKED_CALLERS = 10_000;

/**
 * Each signed-in caller may write WRITE_RATE_LIMIT times a minute, with a minute's worth as a
 * burst (a token bucket per caller, refilled continuously), so no single account can flood the
 * log or the disk. Over it: 429 with Retry-After. Per process: with several API processes a
 * caller gets the limit at each (until a shared store counts for all of them). Reads and
 * unauthenticated routes are not counted here (public writes have limits of their own).
 */
@Injectable()
export class WriteRateLimit implements CanActivate {
  private readonly perMinute: number;
  private readonly buckets = new LRUCache<string, Bucket>({ max: TRACKED_CALLERS });

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.perMinute = config.writeRateLimit;
  }

  canActivate(context: ExecutionContext, now = Date.now()): boolean {
    if (this.perMinute === 0 || context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest & { method: string }>();
    if (!request.user || !WRITE_METHODS.has(request.method)) return true;
    const bucket = this.buckets.get(request.user.sub) ?? { tokens: this.perMinute, at: now };
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + ((now - bucket.at) / 60_000) * this.perMinute);
    bucket.at = now;
    this.buckets.set(request.user.sub, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return true;
    }
    const waitSeconds = Math.ceil(((1 - bucket.tokens) * 60) / this.perMinute);
    void context.switchToHttp().getResponse<FastifyReply>().header('Retry-After', String(waitSeconds));
    throw new HttpException(`Too many changes in a short time: try again in ${waitSeconds} s`, HttpStatus.TOO_MANY_REQUESTS);
  }
}
