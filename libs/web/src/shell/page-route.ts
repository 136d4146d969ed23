import { applyDecorators, Get, Post } from '@nestjs/common';
import { ApiExcludeEndpoint } from '@nestjs/swagger';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { PageRouteConfig } from '@pz/platform';

const PAGE: PageRouteConfig = { page: true };

/**
 * A page (web.md, "Two kinds of route"): session cookie not bearer token, forms not JSON, an
 * HTML error page, and, for a POST, a CSRF check before the handler runs (see web-shell.ts).
 * Pages are not part of the JSON API, so they stay out of the OpenAPI document.
 */
export const PageGet = (path: string) => applyDecorators(Get(path), RouteConfig(PAGE), ApiExcludeEndpoint());
export const PagePost = (path: string) => applyDecorators(Post(path), RouteConfig(PAGE), ApiExcludeEndpoint());
