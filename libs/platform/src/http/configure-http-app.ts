import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import type { AppConfig } from '../config/environment';
import { BodyContractInterceptor } from './body-contract.interceptor';
import { refuseHostileJson } from './hostile-json';
import { validationPipe } from './validation';

/** Largest JSON body accepted; anything bigger is a 413 before it reaches a controller. */
export const BODY_LIMIT = '64kb';

/** Everything an HTTP app needs beyond its modules; shared by main.ts and the end-to-end tests. */
export function configureHttpApp(app: INestApplication, config: AppConfig): INestApplication {
  const express = app as NestExpressApplication;
  express.useLogger(app.get(Logger));
  express.useBodyParser('json', { limit: BODY_LIMIT });
  // Too deep, prototype keys, unrepresentable text: refused before anything walks the body.
  app.use(refuseHostileJson);
  express.disable('x-powered-by');
  // Our ETags are stream revisions (If-Match); Express's body hashes would contradict them.
  express.set('etag', false);
  // Behind a reverse proxy, rate limits must see the client, not the proxy.
  express.set('trust proxy', config.trustProxy);
  app.use(
    helmet({
      // The OpenAPI UI at /docs runs inline scripts; everything else is JSON.
      contentSecurityPolicy: false,
    }),
  );
  app.enableCors({ origin: config.corsOrigins.length > 0 ? config.corsOrigins : false });
  app.useGlobalPipes(validationPipe());
  app.useGlobalInterceptors(new BodyContractInterceptor());
  app.enableShutdownHooks();

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('People Zones Grants')
      .setDescription(
        'Event-sourced grant rounds for the OPCC Leicester, Leicestershire and Rutland People Zones. ' +
          'Every write is an event; read models follow the log. Roles: applicant, panel, staff, auditor.',
      )
      .setVersion('0.1.0')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
  return app;
}
