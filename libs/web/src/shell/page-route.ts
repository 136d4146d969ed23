import { applyDecorators, Get, Post } from '@nestjs/common';
import { ApiExcludeEndpoint } from '@nestjs/swagger';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { PageRouteConfig, UserRole } from '@pz/platform';

/**
 * Who may open a page: anyone (the default), anyone signed in, or a person holding one of the
 * roles. Checked before the handler runs (see visitors.ts): nobody signed in is sent to sign in.
 */
export type PageAccess = 'anyone' | 'signed-in' | readonly UserRole[];

export interface WebRouteConfig extends PageRouteConfig {
  access: PageAccess;
}

const config = (access: PageAccess): WebRouteConfig => ({ page: true, access });

/**
 * A page (web.md, "Two kinds of route"): session cookie not bearer token, forms not JSON, an
 * HTML error page, and, for a POST, a CSRF check before the handler runs (see web-shell.ts).
 * Pages are not part of the JSON API, so they stay out of the OpenAPI document.
 */
export const PageGet = (path: string, access: PageAccess = 'anyone') => applyDecorators(Get(path), RouteConfig(config(access)), ApiExcludeEndpoint());
export const PagePost = (path: string, access: PageAccess = 'anyone') => applyDecorators(Post(path), RouteConfig(config(access)), ApiExcludeEndpoint());

export function accessOf(routeConfig: unknown): PageAccess {
  return (routeConfig as Partial<WebRouteConfig> | undefined)?.access ?? 'anyone';
}
